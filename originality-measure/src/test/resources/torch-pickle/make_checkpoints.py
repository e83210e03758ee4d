"""Writes small checkpoints laid out exactly as torch.save does (zip, pickle protocol 2, storages
as persistent ids), using only the standard library: torch is not installed here and must not be
needed by the tests. Fake 'torch' / 'torch._utils' modules make pickle emit the same GLOBAL
opcodes torch.save emits. Run from this folder:  python3 make_checkpoints.py
Outputs: tensors.pth (the reader's reference checkpoint; expected values in TorchCheckpointTest)."""
import collections, pickle, struct, sys, types, zipfile

torch = types.ModuleType("torch")
utils = types.ModuleType("torch._utils")
torch._utils = utils
sys.modules["torch"], sys.modules["torch._utils"] = torch, utils


def _rebuild_tensor_v2(*args):
    raise RuntimeError("never called: this script only writes")


_rebuild_tensor_v2.__module__ = "torch._utils"
utils._rebuild_tensor_v2 = _rebuild_tensor_v2
for name in ("FloatStorage", "HalfStorage", "LongStorage"):
    setattr(torch, name, type(name, (), {"__module__": "torch"}))


class Storage:
    def __init__(self, kind, key, data, numel):
        self.kind, self.key, self.data, self.numel = kind, key, data, numel


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, tuple(size), tuple(stride), False, collections.OrderedDict())

    def __reduce__(self):
        return (_rebuild_tensor_v2, self.args)


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", obj.kind, obj.key, "cpu", obj.numel)
        return None


def f32(key, values):
    return Storage(torch.FloatStorage, key, struct.pack("<%df" % len(values), *values), len(values))


def write(path, obj, storages):
    import io
    buf = io.BytesIO()
    TorchPickler(buf, protocol=2).dump(obj)
    stem = "archive"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr(stem + "/data.pkl", buf.getvalue())
        z.writestr(stem + "/byteorder", "little")
        for s in storages:
            z.writestr(stem + "/data/" + s.key, s.data)
        z.writestr(stem + "/version", "3\n")


w = f32("0", [0.5 * i for i in range(6)])                                   # [2, 3] = 0, .5, 1 / 1.5, 2, 2.5
half = Storage(torch.HalfStorage, "1", struct.pack("<3e", 1.5, -2.0, 65504.0), 3)
long_ = Storage(torch.LongStorage, "2", struct.pack("<2q", -3, 1 << 40), 2)
big = f32("3", [float(i) for i in range(300)])
sd = collections.OrderedDict()
sd["w"] = Tensor(w, 0, (2, 3), (3, 1))
sd["w_t_tail"] = Tensor(w, 1, (2, 2), (1, 3))                               # transposed view at offset 1: [[.5, 2], [1, 2.5]]
sd["h"] = Tensor(half, 0, (3,), (1,))
sd["ids"] = Tensor(long_, 0, (2,), (1,))
for i in range(300):                                                          # > 256 memo entries: LONG_BINPUT / LONG_BINGET
    sd["big.%d" % i] = Tensor(big, i, (1,), (1,))
sd._metadata = collections.OrderedDict([("", {"version": 1})])               # torch state dicts carry this (BUILD)
root = {"state_dict": sd, "epoch": 7, "name": "tiny", "scale": 0.25, "flags": [True, False, None],
        "neg": -5, "huge": 2 ** 70, "pair": (1, "a")}
write("tensors.pth", root, [w, half, long_, big])
