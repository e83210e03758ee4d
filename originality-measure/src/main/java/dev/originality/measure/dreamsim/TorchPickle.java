package dev.originality.measure.dreamsim;

import dev.originality.diffusion.io.Dtype;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A restricted reader of the pickle inside a PyTorch checkpoint. It interprets the opcodes of
 * protocols 2-5 into plain data — maps (dict, OrderedDict), lists, tuples (unmodifiable lists),
 * strings, numbers, booleans, None (null), bytes and {@link TorchTensor}s — and never runs
 * anything: the only callables it accepts are named in {@link #ALLOWED}, and each is rebuilt by
 * Java code here. Any other global ({@code os.system}, {@code builtins.eval}, …), object
 * construction (NEWOBJ, INST, OBJ) or BUILD on anything but a dict is refused with an
 * {@link IllegalArgumentException} naming it and the byte offset.
 */
final class TorchPickle {
    /** The globals a weights-only checkpoint needs; everything else is refused. */
    static final List<String> ALLOWED = List.of("torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
            "collections.OrderedDict", "torch.<Type>Storage (Float, Half, BFloat16, Double, Long, Int, Short, Char, Byte, Bool)");
    private static final Map<String, Dtype> STORAGES = Map.of(
            "FloatStorage", Dtype.F32, "HalfStorage", Dtype.F16, "BFloat16Storage", Dtype.BF16, "DoubleStorage", Dtype.F64,
            "LongStorage", Dtype.I64, "IntStorage", Dtype.I32, "ShortStorage", Dtype.I16, "CharStorage", Dtype.I8,
            "ByteStorage", Dtype.U8, "BoolStorage", Dtype.BOOL);

    /**
     * The most objects and collection slots one pickle may build: each costs a few dozen heap bytes, so this caps
     * the reader's heap at a fixed amount beyond the bytes it reads. Without it a pickle that reuses one memoised
     * list or tuple (a few bytes per reuse) copies it on every reuse, quadratic in the file's size. torch.save's
     * layout builds about 53 per tensor (measured on the test checkpoints), so this admits ~10,000 tensors: SD v1.x
     * with its EMA copy has ~2,300.
     */
    static final long MAX_ELEMENTS = 1 << 19;

    /** A global the pickle named and we allow: a storage type or one of the rebuild functions. */
    private record Global(String name, Dtype storageType) {}

    private final ByteBuffer in;
    private final String where;
    private final Function<List<Object>, TorchTensor.Storage> storages;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    /** Objects and collection slots built so far ({@link #MAX_ELEMENTS}). */
    private long built;

    private TorchPickle(byte[] pickle, String where, Function<List<Object>, TorchTensor.Storage> storages) {
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        this.where = where;
        this.storages = storages;
    }

    /**
     * The object the pickle describes. {@code storages} turns a persistent id (a tuple
     * ('storage', storage type as a {@link Dtype}, key, location, numel)) into a storage.
     */
    static Object read(byte[] pickle, String where, Function<List<Object>, TorchTensor.Storage> storages) {
        TorchPickle p = new TorchPickle(pickle, where, storages);
        try {
            return p.run();
        } catch (java.nio.BufferUnderflowException e) {
            throw p.fail("truncated at byte " + p.in.position());
        }
    }

    private Object run() {
        while (true) {
            if (!in.hasRemaining()) throw fail("ended without a STOP opcode");
            int at = in.position();
            int op = in.get() & 0xFF;
            switch (op) {
                case 0x80 -> in.get();                                             // PROTO n
                case 0x95 -> bytes(8);                                             // FRAME (length, ignored)
                case '.' -> {                                                      // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) throw fail("STOP with " + stack.size() + " objects on the stack, expected 1");
                    return stack.get(0);
                }
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) in.getInt());                              // BININT
                case 'K' -> push((long) (in.get() & 0xFF));                        // BININT1
                case 'M' -> push((long) (in.getShort() & 0xFFFF));                 // BININT2
                case 0x8A -> push(longOf(bytes(in.get() & 0xFF)));                 // LONG1
                case 0x8B -> push(longOf(bytes(length(in.getInt()))));             // LONG4
                case 'G' -> push(readBigEndianDouble());                              // BINFLOAT
                case 'X' -> push(utf8(length(in.getInt())));                       // BINUNICODE
                case 0x8C -> push(utf8(in.get() & 0xFF));                          // SHORT_BINUNICODE
                case 0x8D -> push(utf8(length(in.getLong())));                     // BINUNICODE8
                case 'T' -> push(text(length(in.getInt()), StandardCharsets.ISO_8859_1));  // BINSTRING
                case 'U' -> push(text(in.get() & 0xFF, StandardCharsets.ISO_8859_1));        // SHORT_BINSTRING
                case 'B' -> push(bytes(length(in.getInt())));                      // BINBYTES
                case 'C' -> push(bytes(in.get() & 0xFF));                          // SHORT_BINBYTES
                case '}' -> push(new LinkedHashMap<>());                           // EMPTY_DICT
                case ']' -> push(new ArrayList<>());                               // EMPTY_LIST
                case ')' -> push(tuple(List.of()));                                // EMPTY_TUPLE
                case '(' -> { charge(1); marks.add(stack.size()); }                 // MARK
                case 't' -> push(tuple(popMark()));                                // TUPLE
                case 0x85 -> push(tuple(popN(1)));                                 // TUPLE1
                case 0x86 -> push(tuple(popN(2)));                                 // TUPLE2
                case 0x87 -> push(tuple(popN(3)));                                 // TUPLE3
                case 'l' -> push(popMark());                                       // LIST (popMark's list is new)
                case 'd' -> push(putPairs(new LinkedHashMap<>(), popMark()));      // DICT
                case 'a' -> { Object v = pop(); charge(1); mutableList(peek(0)).add(v); }   // APPEND
                case 'e' -> {                                                      // APPENDS
                    List<Object> items = popMark();
                    charge(items.size());
                    mutableList(peek(0)).addAll(items);
                }
                case 's' -> {                                                      // SETITEM
                    Object v = pop(), k = pop();
                    charge(1);
                    dict(peek(0)).put(key(k), v);
                }
                case 'u' -> {                                                      // SETITEMS
                    List<Object> items = popMark();
                    putPairs(dict(peek(0)), items);
                }
                case '0' -> pop();                                                 // POP
                case '1' -> popMark();                                             // POP_MARK
                case '2' -> push(peek(0));                                         // DUP
                case 'q' -> memoize((long) (in.get() & 0xFF));                     // BINPUT
                case 'r' -> memoize(in.getInt() & 0xFFFFFFFFL);                    // LONG_BINPUT
                case 0x94 -> memoize(memo.size());                                 // MEMOIZE
                case 'h' -> push(memo((long) (in.get() & 0xFF)));                  // BINGET
                case 'j' -> push(memo(in.getInt() & 0xFFFFFFFFL));                 // LONG_BINGET
                case 'c' -> push(global(line(), line(), at));                      // GLOBAL module\nname\n
                case 0x93 -> {                                                     // STACK_GLOBAL
                    Object name = pop(), module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) throw fail("STACK_GLOBAL needs two strings");
                    push(global(m, n, at));
                }
                case 'R' -> {                                                      // REDUCE
                    Object args = pop(), callable = pop();
                    push(reduce(callable, args, at));
                }
                case 'Q' -> push(storages.apply(list(pop())));                     // BINPERSID
                case 'b' -> {                                                      // BUILD
                    Object state = pop();
                    Object target = peek(0);
                    // torch pickles an OrderedDict state dict with its _metadata attribute as BUILD state
                    if (!(target instanceof Map<?, ?>) || !(state instanceof Map<?, ?> || state == null)) {
                        throw new IllegalArgumentException(where + ": refusing BUILD (setting the state of an object) on "
                                + describe(target) + " at byte " + at + "; only plain data is allowed");
                    }
                }
                case 0x81, 0x92, 'i', 'o' -> throw new IllegalArgumentException(where + ": refusing opcode 0x" + Integer.toHexString(op)
                        + " (object construction) at byte " + at + "; only plain data is allowed");
                default -> throw fail("unsupported pickle opcode 0x" + Integer.toHexString(op) + " at byte " + at
                        + " (expected the binary opcodes of protocols 2-5 that torch.save writes)");
            }
        }
    }

    private double readBigEndianDouble() {
        return Double.longBitsToDouble(Long.reverseBytes(in.getLong()));
    }

    /** GLOBAL / STACK_GLOBAL: only the allow-list; anything else is refused before it could be used. */
    private Global global(String module, String name, int at) {
        String full = module + "." + name;
        if (module.equals("torch") && STORAGES.containsKey(name)) return new Global(full, STORAGES.get(name));
        if (full.equals("torch._utils._rebuild_tensor_v2") || full.equals("torch._utils._rebuild_parameter")
                || full.equals("collections.OrderedDict")) {
            return new Global(full, null);
        }
        throw new IllegalArgumentException(where + ": refusing to load global '" + full + "' at byte " + at
                + "; a weights checkpoint may only use " + String.join(", ", ALLOWED));
    }

    /** REDUCE: the allowed callables, rebuilt here as data. */
    private Object reduce(Object callable, Object args, int at) {
        if (!(callable instanceof Global g) || g.storageType() != null) {
            throw new IllegalArgumentException(where + ": refusing to call " + describe(callable) + " at byte " + at
                    + "; only " + String.join(", ", ALLOWED.subList(0, 3)) + " may be called");
        }
        List<Object> a = list(args);
        switch (g.name()) {
            case "collections.OrderedDict" -> {
                if (a.isEmpty()) return new LinkedHashMap<>();
                Map<Object, Object> m = new LinkedHashMap<>();
                List<Object> pairs = list(a.get(0));
                charge(pairs.size());
                for (Object pair : pairs) {
                    List<Object> kv = list(pair);
                    if (kv.size() != 2) throw fail("OrderedDict item of " + kv.size() + " elements, expected (key, value)");
                    m.put(key(kv.get(0)), kv.get(1));
                }
                return m;
            }
            case "torch._utils._rebuild_tensor_v2" -> {
                if (a.size() < 4 || !(a.get(0) instanceof TorchTensor.Storage s)) {
                    throw fail("_rebuild_tensor_v2 expects (storage, offset, size, stride, …), found " + a.size() + " arguments");
                }
                try {
                    return new TorchTensor(s, integer(a.get(1)), longs(a.get(2)), longs(a.get(3)));
                } catch (IllegalArgumentException | ArithmeticException e) {
                    throw fail(e.getMessage() == null ? "tensor view overflows" : e.getMessage());
                }
            }
            case "torch._utils._rebuild_parameter" -> {
                if (a.isEmpty() || !(a.get(0) instanceof TorchTensor t)) throw fail("_rebuild_parameter expects a tensor first");
                return t;
            }
            default -> throw new IllegalStateException(g.name());
        }
    }

    /** The dtype of a storage-type global as a persistent id carries it; null for anything else. */
    static Dtype storageType(Object o) {
        return o instanceof Global g ? g.storageType() : null;
    }

    private String describe(Object o) {
        if (o instanceof Global g) return "'" + g.name() + "'";
        return o == null ? "None" : "a " + o.getClass().getSimpleName();
    }

    private List<Object> tuple(List<Object> items) {
        charge(items.size());
        return Collections.unmodifiableList(new ArrayList<>(items));
    }

    /** items k1, v1, k2, v2, … put into m (DICT's new map, SETITEMS' dict on the stack); returns m. */
    private Map<Object, Object> putPairs(Map<Object, Object> m, List<Object> items) {
        if (items.size() % 2 != 0) throw fail("odd number of items (" + items.size() + ") for a dict");
        charge(items.size() / 2);
        for (int i = 0; i < items.size(); i += 2) m.put(key(items.get(i)), items.get(i + 1));
        return m;
    }

    /** APPEND and APPENDS grow a list; a tuple is immutable (Python raises there too). */
    @SuppressWarnings("unchecked")
    private List<Object> mutableList(Object o) {
        if (o instanceof ArrayList<?> l) return (List<Object>) l;
        throw fail("expected a list to append to, found " + (o instanceof List<?> ? "a tuple" : describe(o)));
    }

    /**
     * A dict key must be hashable as in Python: None, a bool, number or string, or a tuple of those. Lists and dicts
     * are refused: besides being wrong, a list holding itself would send hashCode into endless recursion.
     */
    private Object key(Object k) {
        if (hashable(k, 0)) return k;
        throw fail("unhashable dict key: " + (k instanceof List<?> ? "a list" : describe(k)));
    }

    private boolean hashable(Object k, int depth) {
        charge(1);                    // a tuple (t, t) nested 30 deep is 2^30 visits for 200 bytes: count them
        if (k == null || k instanceof String || k instanceof Long || k instanceof Double || k instanceof Boolean
                || k instanceof BigInteger || k instanceof byte[]) return true;
        if (depth > 32 || k instanceof ArrayList<?> || !(k instanceof List<?> tuple)) return false;
        for (Object x : tuple) if (!hashable(x, depth + 1)) return false;
        return true;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof List<?> l) return (List<Object>) l;
        throw fail("expected a list or tuple, found " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) {
        if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw fail("expected a dict, found " + describe(o));
    }

    private long integer(Object o) {
        if (o instanceof Long l) return l;
        throw fail("expected an integer, found " + describe(o));
    }

    private long[] longs(Object o) {
        List<Object> l = list(o);
        charge(l.size());
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = integer(l.get(i));
        return out;
    }

    private static Object longOf(byte[] littleEndian) {
        byte[] big = new byte[Math.max(1, littleEndian.length)];
        for (int i = 0; i < littleEndian.length; i++) big[big.length - 1 - i] = littleEndian[i];
        if (littleEndian.length == 0) return 0L;
        BigInteger v = new BigInteger(big);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private Object memo(long key) {
        if (!memo.containsKey(key)) throw fail("memo key " + key + " was never stored");
        return memo.get(key);
    }

    private String line() {
        int start = in.position();
        for (int i = start; i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                in.position(i + 1);
                return new String(in.array(), start, i - start, StandardCharsets.UTF_8);
            }
        }
        throw fail("unterminated GLOBAL name");
    }

    private int length(long n) {
        if (n < 0 || n > in.remaining()) throw fail("length " + n + " exceeds the " + in.remaining() + " bytes left");
        return (int) n;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[length(n)];
        in.get(b);
        return b;
    }

    private String utf8(int n) {
        return text(n, StandardCharsets.UTF_8);
    }

    /** The next n bytes decoded, straight from the pickle's array (no intermediate copy). */
    private String text(int n, java.nio.charset.Charset charset) {
        int at = in.position();
        length(n);
        in.position(at + n);
        return new String(in.array(), at, n, charset);
    }

    private void push(Object o) {
        charge(1);
        stack.add(o);
    }

    private void memoize(long key) {
        charge(1);
        memo.put(key, peek(0));
    }

    /** Counts n objects or slots about to be built against {@link #MAX_ELEMENTS}, refusing before building them. */
    private void charge(long n) {
        built += n;
        if (built > MAX_ELEMENTS) {
            throw fail("builds more than " + MAX_ELEMENTS + " objects and collection slots by byte " + in.position()
                    + " (a weights checkpoint builds a few dozen per tensor)");
        }
    }

    private Object pop() {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.get(marks.size() - 1) == stack.size())) throw fail("stack underflow");
        return stack.remove(stack.size() - 1);
    }

    private Object peek(int depth) {
        if (stack.size() <= depth) throw fail("stack underflow");
        return stack.get(stack.size() - 1 - depth);
    }

    private List<Object> popN(int n) {
        charge(n);
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(0, pop());
        return out;
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) throw fail("no MARK on the stack");
        int m = marks.remove(marks.size() - 1);
        charge(stack.size() - m);
        List<Object> items = new ArrayList<>(stack.subList(m, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private IllegalArgumentException fail(String what) {
        return new IllegalArgumentException(where + ": malformed pickle: " + what);
    }
}
