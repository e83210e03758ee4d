#!/usr/bin/env python3
"""PyTorch-eager peer of bench/Bench.java: the same models (same shapes, parameter counts and
steps) in plain PyTorch, timed with the same warm-up/median scheme. With --java FILE (Bench.java's
output) it checks the parameter counts (exit 2 on a mismatch) and prints the comparison table.
Run it at its best: OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=2 (bench/run.sh sets both)."""
import argparse
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

B, LAT, TEXT_LEN, REF_CTX, REF_C, VOCAB = 20, 16, 32, 77, 64, 600
ADDED = VOCAB
FLOPS = [0]          # multiply-adds × 2, counted while COUNTING[0]
COUNTING = [False]


def attention(q, k, v, heads):
    """q: [B, N, C], k/v: [B, M, C] → [B, N, C] (softmax path, as Ops.attention)."""
    b, n, c = q.shape
    m, d = k.shape[1], c // heads
    qh = q.reshape(b, n, heads, d).transpose(1, 2)
    kh = k.reshape(b, m, heads, d).permute(0, 2, 3, 1)
    vh = v.reshape(b, m, heads, d).transpose(1, 2)
    if COUNTING[0]:
        FLOPS[0] += 2 * 2 * b * heads * n * m * d
    return ((qh * (1 / math.sqrt(d))) @ kh).softmax(-1).matmul(vh).transpose(1, 2).reshape(b, n, c)


def count_hooks(model):
    def conv(mod, inp, out):
        if COUNTING[0]:
            FLOPS[0] += 2 * out.numel() * mod.in_channels * mod.kernel_size[0] * mod.kernel_size[1]
    def lin(mod, inp, out):
        if COUNTING[0]:
            FLOPS[0] += 2 * out.numel() * mod.in_features
    for mod in model.modules():
        if isinstance(mod, nn.Conv2d):
            mod.register_forward_hook(conv)
        elif isinstance(mod, nn.Linear):
            mod.register_forward_hook(lin)


# ---- UNet2DConditionModel (SD v1 layout, diffusers parameter names)

class Resnet(nn.Module):
    def __init__(self, cin, cout, temb, groups):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin, eps=1e-5)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time_emb_proj = nn.Linear(temb, cout)
        self.norm2 = nn.GroupNorm(groups, cout, eps=1e-5)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.conv_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time_emb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (self.conv_shortcut(x) if self.conv_shortcut is not None else x) + h


class Attn(nn.Module):
    def __init__(self, c, ctx, heads):
        super().__init__()
        self.heads = heads
        self.to_q = nn.Linear(c, c, bias=False)
        self.to_k = nn.Linear(ctx, c, bias=False)
        self.to_v = nn.Linear(ctx, c, bias=False)
        self.to_out = nn.ModuleList([nn.Linear(c, c)])

    def forward(self, x, ctx=None):
        ctx = x if ctx is None else ctx
        return self.to_out[0](attention(self.to_q(x), self.to_k(ctx), self.to_v(ctx), self.heads))


class GEGLU(nn.Module):
    def __init__(self, c, inner):
        super().__init__()
        self.proj = nn.Linear(c, 2 * inner)

    def forward(self, x):
        a, gate = self.proj(x).chunk(2, -1)
        return a * F.gelu(gate)


class FeedForward(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.net = nn.ModuleList([GEGLU(c, 4 * c), nn.Dropout(0.0), nn.Linear(4 * c, c)])

    def forward(self, x):
        return self.net[2](self.net[0](x))


class BasicTransformerBlock(nn.Module):
    def __init__(self, c, ctx, heads):
        super().__init__()
        self.norm1, self.attn1 = nn.LayerNorm(c), Attn(c, c, heads)
        self.norm2, self.attn2 = nn.LayerNorm(c), Attn(c, ctx, heads)
        self.norm3, self.ff = nn.LayerNorm(c), FeedForward(c)

    def forward(self, x, ctx):
        x = x + self.attn1(self.norm1(x))
        x = x + self.attn2(self.norm2(x), ctx)
        return x + self.ff(self.norm3(x))


class Transformer2D(nn.Module):
    def __init__(self, c, ctx, heads, groups):
        super().__init__()
        self.norm = nn.GroupNorm(groups, c, eps=1e-6)
        self.proj_in = nn.Conv2d(c, c, 1)
        self.transformer_blocks = nn.ModuleList([BasicTransformerBlock(c, ctx, heads)])
        self.proj_out = nn.Conv2d(c, c, 1)

    def forward(self, x, ctx):
        b, c, h, w = x.shape
        y = self.proj_in(self.norm(x)).permute(0, 2, 3, 1).reshape(b, h * w, c)
        for blk in self.transformer_blocks:
            y = blk(y, ctx)
        return self.proj_out(y.reshape(b, h, w, c).permute(0, 3, 1, 2)) + x


class Sampler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1, stride=1)


class UNet(nn.Module):
    def __init__(self, channels, layers, heads, ctx, groups):
        super().__init__()
        c0, n, temb = channels[0], len(channels), 4 * channels[0]
        self.c0 = c0
        self.conv_in = nn.Conv2d(4, c0, 3, padding=1)
        self.time_embedding = nn.Module()
        self.time_embedding.linear_1, self.time_embedding.linear_2 = nn.Linear(c0, temb), nn.Linear(temb, temb)
        self.down_blocks, self.up_blocks = nn.ModuleList(), nn.ModuleList()
        out = c0
        for i in range(n):
            cin, out = out, channels[i]
            blk = nn.Module()
            blk.resnets = nn.ModuleList([Resnet(cin if j == 0 else out, out, temb, groups) for j in range(layers)])
            blk.attentions = nn.ModuleList([Transformer2D(out, ctx, heads, groups) for _ in range(layers)]) if i < n - 1 else None
            blk.downsamplers = nn.ModuleList([Sampler(out)]) if i < n - 1 else None
            if blk.downsamplers is not None:
                blk.downsamplers[0].conv.stride = (2, 2)
            self.down_blocks.append(blk)
        self.mid_block = nn.Module()
        self.mid_block.resnets = nn.ModuleList([Resnet(channels[-1], channels[-1], temb, groups) for _ in range(2)])
        self.mid_block.attentions = nn.ModuleList([Transformer2D(channels[-1], ctx, heads, groups)])
        rev = list(reversed(channels))
        out = rev[0]
        for i in range(n):
            prev, out, cin = out, rev[i], rev[min(i + 1, n - 1)]
            blk = nn.Module()
            blk.resnets = nn.ModuleList([Resnet((prev if j == 0 else out) + (cin if j == layers else out), out, temb, groups)
                                         for j in range(layers + 1)])
            blk.attentions = nn.ModuleList([Transformer2D(out, ctx, heads, groups) for _ in range(layers + 1)]) if i > 0 else None
            blk.upsamplers = nn.ModuleList([Sampler(out)]) if i < n - 1 else None
            self.up_blocks.append(blk)
        self.conv_norm_out = nn.GroupNorm(groups, c0, eps=1e-5)
        self.conv_out = nn.Conv2d(c0, 4, 3, padding=1)

    def forward(self, x, t, ctx):
        half = self.c0 // 2
        freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
        arg = t.float()[:, None] * freqs[None, :]
        tproj = torch.cat([arg.cos(), arg.sin()], 1)
        temb = self.time_embedding.linear_2(F.silu(self.time_embedding.linear_1(tproj)))
        h = self.conv_in(x)
        skips = [h]
        for blk in self.down_blocks:
            for j, res in enumerate(blk.resnets):
                h = res(h, temb)
                if blk.attentions is not None:
                    h = blk.attentions[j](h, ctx)
                skips.append(h)
            if blk.downsamplers is not None:
                h = blk.downsamplers[0].conv(h)
                skips.append(h)
        h = self.mid_block.resnets[0](h, temb)
        h = self.mid_block.attentions[0](h, ctx)
        h = self.mid_block.resnets[1](h, temb)
        for blk in self.up_blocks:
            for j, res in enumerate(blk.resnets):
                h = res(torch.cat([h, skips.pop()], 1), temb)
                if blk.attentions is not None:
                    h = blk.attentions[j](h, ctx)
            if blk.upsamplers is not None:
                h = blk.upsamplers[0].conv(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        return self.conv_out(F.silu(self.conv_norm_out(h)))


# ---- CLIPTextModel (transformers names), with the textual-inversion embedding path

class ClipLayer(nn.Module):
    def __init__(self, c, heads):
        super().__init__()
        self.heads = heads
        self.layer_norm1, self.layer_norm2 = nn.LayerNorm(c), nn.LayerNorm(c)
        self.self_attn = nn.Module()
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            setattr(self.self_attn, n, nn.Linear(c, c))
        self.mlp = nn.Module()
        self.mlp.fc1, self.mlp.fc2 = nn.Linear(c, 4 * c), nn.Linear(4 * c, c)

    def forward(self, x, mask):
        h, a = self.layer_norm1(x), self.self_attn
        b, n, c = h.shape
        d = c // self.heads
        q = a.q_proj(h).reshape(b, n, self.heads, d).transpose(1, 2)
        k = a.k_proj(h).reshape(b, n, self.heads, d).permute(0, 2, 3, 1)
        v = a.v_proj(h).reshape(b, n, self.heads, d).transpose(1, 2)
        if COUNTING[0]:
            FLOPS[0] += 2 * 2 * b * self.heads * n * n * d
        o = (((q * (1 / math.sqrt(d))) @ k + mask).softmax(-1) @ v).transpose(1, 2).reshape(b, n, c)
        x = x + a.out_proj(o)
        h = self.mlp.fc1(self.layer_norm2(x))
        return x + self.mlp.fc2(h * torch.sigmoid(1.702 * h))


class ClipText(nn.Module):
    def __init__(self, vocab, c, layers, heads, length):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, c)
        self.position_embedding = nn.Embedding(length, c)
        self.layers = nn.ModuleList([ClipLayer(c, heads) for _ in range(layers)])
        self.final_layer_norm = nn.LayerNorm(c)
        self.register_buffer("mask", torch.full((length, length), float("-inf")).triu(1)[None, None], persistent=False)

    def embed(self, ids, injected):
        """Frozen table rows, except positions holding an injected id take its vector (as ClipTextModel.embed)."""
        keep = torch.ones(ids.shape + (1,))
        rows = ids.clone()
        out_extra = 0
        for tid, vec in injected.items():
            where = (ids == tid).float()[..., None]
            keep = keep - where
            rows[ids == tid] = 0
            out_extra = out_extra + where * vec
        return self.token_embedding(rows) * keep + out_extra

    def forward(self, emb, ids):
        x = emb + self.position_embedding.weight[None]
        for layer in self.layers:
            x = layer(x, self.mask)
        last = self.final_layer_norm(x)
        pooled = last[torch.arange(ids.shape[0]), (ids == 1).int().argmax(-1)]
        return last, pooled


# ---- the reference block (bench/README.md), same parameter names as Bench.RefBlock

class RefAttn(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm = nn.GroupNorm(32, c, eps=1e-6)
        self.proj_in, self.ln1 = nn.Linear(c, c), nn.LayerNorm(c)
        self.to_q, self.to_k, self.to_v = (nn.Linear(c, c, bias=False) for _ in range(3))
        self.to_out, self.ln2 = nn.Linear(c, c), nn.LayerNorm(c)
        self.ff1, self.ff2, self.proj_out = nn.Linear(c, 8 * c), nn.Linear(4 * c, c), nn.Linear(c, c)

    def forward(self, h, ctx):
        b, c, hh, ww = h.shape
        x = self.proj_in(self.norm(h).reshape(b, c, -1).transpose(1, 2))
        x = x + self.to_out(attention(self.to_q(self.ln1(x)), self.to_k(ctx), self.to_v(ctx), 4))
        a, gate = self.ff1(self.ln2(x)).chunk(2, -1)
        x = self.proj_out(x + self.ff2(a * F.gelu(gate)))
        return x.transpose(1, 2).reshape(b, c, hh, ww)


class RefRes(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(32, c), nn.Conv2d(c, c, 3, padding=1)
        self.norm2, self.conv2 = nn.GroupNorm(32, c), nn.Conv2d(c, c, 3, padding=1)

    def forward(self, h):
        return h + self.conv2(F.silu(self.norm2(self.conv1(F.silu(self.norm1(h))))))


class RefBlock(nn.Module):
    def __init__(self, c=REF_C):
        super().__init__()
        self.conv_in = nn.Conv2d(4, c, 3, padding=1)
        self.blocks = nn.ModuleList()
        for _ in range(4):
            blk = nn.Module()
            blk.res, blk.attn = RefRes(c), RefAttn(c)
            self.blocks.append(blk)
        self.conv_out = nn.Conv2d(c, 4, 3, padding=1)

    def forward(self, x, ctx):
        h = self.conv_in(x)
        for blk in self.blocks:
            h = blk.res(h)
            h = h + blk.attn(h, ctx)
        return self.conv_out(h)


# ---- timing

def median_ms(fn, warmup, reps):
    times = []
    for i in range(warmup + reps):
        t0 = time.perf_counter()
        fn()
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def count_flops(fn):
    FLOPS[0], COUNTING[0] = 0, True
    with torch.no_grad():
        fn()
    COUNTING[0] = False
    return FLOPS[0]


def nparams(model):
    return sum(p.numel() for p in model.parameters()), len(list(model.parameters()))


def freeze(model, flag):
    for p in model.parameters():
        p.requires_grad_(flag)


def run(warmup, reps):
    torch.manual_seed(0)
    res, params, flops = {}, {}, {}
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    res["sgemm1024"] = median_ms(lambda: a @ b, 2, 7)

    unet = UNet([48, 96], 2, 4, 64, 16)
    text = ClipText(VOCAB, 64, 2, 4, TEXT_LEN)
    count_hooks(unet), count_hooks(text)
    freeze(unet, False), freeze(text, False)
    params["cpu.unet"], params["cpu.text"] = nparams(unet), nparams(text)
    z, noise = torch.randn(B, 4, LAT, LAT), torch.randn(B, 4, LAT, LAT)
    t = torch.randint(0, 1000, (B,))
    ctx = torch.randn(B, TEXT_LEN, 64)
    ids = torch.ones(B, TEXT_LEN, dtype=torch.long)
    ids[:, 0] = 0
    ids[:, 1:8] = torch.randint(2, VOCAB, (B, 7))
    plain = ids.clone()
    ids[:, 4] = ADDED
    vec0 = torch.randn(64)

    def forward():
        with torch.no_grad():
            unet(z, t, ctx)

    def ti_step():
        v = vec0.clone().requires_grad_(True)
        last, _ = text(text.embed(ids, {ADDED: v}), ids)
        F.mse_loss(unet(z, t, last), noise).backward()

    def train_step():
        unet.zero_grad(set_to_none=True)
        last, _ = text(text.embed(plain, {}), plain)
        F.mse_loss(unet(z, t, last), noise).backward()

    flops["cpu.unet_forward"] = count_flops(lambda: unet(z, t, ctx))
    flops["cpu.text_forward"] = count_flops(lambda: text(text.embed(plain, {}), plain))
    res["cpu.unet_forward"] = median_ms(forward, warmup, reps)
    res["cpu.ti_step"] = median_ms(ti_step, warmup, reps)
    freeze(unet, True)
    res["cpu.train_step"] = median_ms(train_step, warmup, reps)
    freeze(unet, False)

    ref = RefBlock()
    count_hooks(ref)
    freeze(ref, False)
    params["ref"] = nparams(ref)
    rctx = torch.randn(B, REF_CTX, REF_C)

    def rforward():
        with torch.no_grad():
            ref(z, rctx)

    def rti_step():
        c = rctx.clone().requires_grad_(True)
        F.mse_loss(ref(z, c), noise).backward()

    def rtrain_step():
        ref.zero_grad(set_to_none=True)
        F.mse_loss(ref(z, rctx), noise).backward()

    flops["ref.unet_forward"] = count_flops(lambda: ref(z, rctx))
    res["ref.unet_forward"] = median_ms(rforward, warmup, reps)
    res["ref.ti_step"] = median_ms(rti_step, warmup, reps)
    freeze(ref, True)
    res["ref.train_step"] = median_ms(rtrain_step, warmup, reps)
    return res, params, flops


def sd1(batch, warmup, reps):
    """The SD v1.x-sized UNet (Bench.java's sd1 mode): forward, and the inversion step's backward to
    the [batch, 77, 768] context, at 64x64x4 latents; peak RSS from getrusage."""
    import resource
    torch.manual_seed(3)
    unet = UNet([320, 640, 1280, 1280], 2, 8, 768, 32)
    freeze(unet, False)
    z, noise = torch.randn(batch, 4, 64, 64), torch.randn(batch, 4, 64, 64)
    t = torch.randint(0, 1000, (batch,))
    ctx = torch.randn(batch, 77, 768)

    def forward():
        with torch.no_grad():
            unet(z, t, ctx)

    def ti_step():
        c = ctx.clone().requires_grad_(True)
        F.mse_loss(unet(z, t, c), noise).backward()

    res = {f"sd1.unet_forward.b{batch}": median_ms(forward, warmup, reps),
           f"sd1.ti_step.b{batch}": median_ms(ti_step, warmup, reps)}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
    return res, {"sd1.unet": nparams(unet)}, peak_mb


def compare_sd1(batch, warmup, reps, java):
    res, params, peak_mb = sd1(batch, warmup, reps)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; peak RSS {peak_mb} MB")
    jres, jparams, _ = read_java(java) if java else ({}, {}, None)
    n = params["sd1.unet"]
    jn = jparams.get("sd1.unet")
    if java and jn != n:
        print(f"FAIL: parameter counts differ: ours {jn}, pytorch {n}", file=sys.stderr)
        sys.exit(2)
    print(f"params sd1.unet pytorch {n[0]} ({n[1]} tensors)" + (f", ours {jn[0]} ({jn[1]} tensors) ok" if java else ""))
    for k, p in res.items():
        o = jres.get(k)
        print(f"{k:22s} ours {o if o is not None else float('nan'):10.1f} ms  pytorch {p:10.1f} ms"
              + (f"  ratio {p / o:.2f}" if o else ""))


def read_java(path):
    res, params, score = {}, {}, None
    for line in open(path):
        f = line.split()
        if f and f[0] == "RESULT":
            res[f[1]] = float(f[2])
        elif f and f[0] == "PARAMS":
            params[f[1]] = (int(f[2]), int(f[3]))
        elif f and f[0] == "SCORE":
            score = float(f[2])
    return res, params, score


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--java", help="Bench.java output to compare against")
    ap.add_argument("--sd1", type=int, metavar="BATCH", help="only the SD v1.x-sized UNet at this batch")
    args = ap.parse_args()
    torch.set_num_threads(2)
    if args.sd1:
        compare_sd1(args.sd1, args.warmup, args.reps, args.java)
        return
    res, params, flops = run(args.warmup, args.reps)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    if not args.java:
        for k, v in res.items():
            print(f"RESULT {k} {v:.3f}")
        return
    jres, jparams, jscore = read_java(args.java)
    bad = False
    for k, (n, tensors) in params.items():
        jn = jparams.get(k)
        ok = jn == (n, tensors)
        bad |= not ok
        print(f"params {k:10s} ours {jn[0] if jn else '?':>9} ({jn[1] if jn else '?'} tensors)  "
              f"pytorch {n:>9} ({tensors} tensors)  {'ok' if ok else 'MISMATCH'}")
    if bad:
        print("FAIL: the two sides build different models (parameter counts differ)", file=sys.stderr)
        sys.exit(2)
    # Training: backward ≈ 2 × forward FLOPs (input and weight gradients); the text encoder adds its forward.
    # Textual inversion: no weight gradients, so backward ≈ 1 × forward (input gradients only).
    fwd = {"cpu": flops["cpu.unet_forward"], "ref": flops["ref.unet_forward"]}
    tf = flops["cpu.text_forward"]
    work = {"sgemm1024": 2 * 1024 ** 3,
            "cpu.unet_forward": fwd["cpu"], "cpu.ti_step": 2 * fwd["cpu"] + 2 * tf, "cpu.train_step": 3 * fwd["cpu"] + tf,
            "ref.unet_forward": fwd["ref"], "ref.ti_step": 2 * fwd["ref"], "ref.train_step": 3 * fwd["ref"]}
    print(f"\n{'measurement':18s} {'ours ms':>9} {'pytorch ms':>11} {'ratio':>6} {'GFLOP':>7} {'ours GF/s':>10} {'torch GF/s':>11}")
    for k in ["sgemm1024", "cpu.unet_forward", "cpu.ti_step", "cpu.train_step",
              "ref.unet_forward", "ref.ti_step", "ref.train_step"]:
        o, p, w = jres[k], res[k], work[k] / 1e9
        print(f"{k:18s} {o:9.1f} {p:11.1f} {p / o:6.2f} {w:7.2f} {w / o * 1e3:10.1f} {w / p * 1e3:11.1f}")
    print("ratio = pytorch ms / ours ms (> 1: we are faster); GFLOP counts conv, linear and attention matmuls;"
          " steps use backward ≈ 2× (training) or 1× (textual inversion) the forward FLOPs")
    score = f" score_seconds={jscore:.0f}" if jscore is not None else ""
    print(f"unet_forward_ratio={res['cpu.unet_forward'] / jres['cpu.unet_forward']:.2f}")
    print(f"ti_step_ratio={res['cpu.ti_step'] / jres['cpu.ti_step']:.2f} "
          f"train_step_ratio={res['cpu.train_step'] / jres['cpu.train_step']:.2f}{score}")


if __name__ == "__main__":
    main()
