using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.CompilerServices;

namespace Diffrax.Solvers.Stochastic;

/// <summary>Four 32-bit words: a Philox counter or output block.</summary>
public struct Philox4
{
    /// <summary>Word 0.</summary>
    public uint X0;
    /// <summary>Word 1.</summary>
    public uint X1;
    /// <summary>Word 2.</summary>
    public uint X2;
    /// <summary>Word 3.</summary>
    public uint X3;

    /// <summary>Builds a block from its words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Philox4(uint x0, uint x1, uint x2, uint x3) { X0 = x0; X1 = x1; X2 = x2; X3 = x3; }
}

/// <summary>
/// The counter-based generator Philox4x32-10 (Salmon, Moraes, Dror &amp; Shaw, "Parallel random numbers: as easy as
/// 1, 2, 3", SC'11): a keyed bijection of a 128-bit counter, ten rounds of two 32×32→64 multiplies with the key
/// bumped by the Weyl constants between rounds. A draw depends only on (key, counter), never on earlier draws, so
/// every (seed, member, draw) gives the same number on any lane width, thread, node or GPU thread. Pure integer
/// arithmetic on structs: kernel-safe. Checked against the Random123 <c>philox4x32 10</c> known-answer vectors.
/// </summary>
public static class Philox
{
    /// <summary>Philox4x32-10 of 8 counters at once (each 32-bit word in a 64-bit slot).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Philox8(Vector512<ulong> x0, Vector512<ulong> x1, Vector512<ulong> x2, Vector512<ulong> x3, uint k0, uint k1,
        out Vector512<ulong> r0, out Vector512<ulong> r1, out Vector512<ulong> r2, out Vector512<ulong> r3)
    {
        Round8(ref x0, ref x1, ref x2, ref x3, Key(k0), Key(k1));
        Round8(ref x0, ref x1, ref x2, ref x3, Key(unchecked(k0 + W0)), Key(unchecked(k1 + W1)));
        Round8(ref x0, ref x1, ref x2, ref x3, Key(unchecked(k0 + 2 * W0)), Key(unchecked(k1 + 2 * W1)));
        Round8(ref x0, ref x1, ref x2, ref x3, Key(unchecked(k0 + 3 * W0)), Key(unchecked(k1 + 3 * W1)));
        Round8(ref x0, ref x1, ref x2, ref x3, Key(unchecked(k0 + 4 * W0)), Key(unchecked(k1 + 4 * W1)));
        Round8(ref x0, ref x1, ref x2, ref x3, Key(unchecked(k0 + 5 * W0)), Key(unchecked(k1 + 5 * W1)));
        Round8(ref x0, ref x1, ref x2, ref x3, Key(unchecked(k0 + 6 * W0)), Key(unchecked(k1 + 6 * W1)));
        Round8(ref x0, ref x1, ref x2, ref x3, Key(unchecked(k0 + 7 * W0)), Key(unchecked(k1 + 7 * W1)));
        Round8(ref x0, ref x1, ref x2, ref x3, Key(unchecked(k0 + 8 * W0)), Key(unchecked(k1 + 8 * W1)));
        Round8(ref x0, ref x1, ref x2, ref x3, Key(unchecked(k0 + 9 * W0)), Key(unchecked(k1 + 9 * W1)));
        // Inside the rounds the upper halves of the slots carry junk that never reaches a lower half (the products read
        // only the lower 32 bits, and xor is bitwise); the outputs are masked once here.
        Vector512<ulong> lo = Vector512.Create(0xFFFFFFFFUL);
        r0 = x0 & lo; r1 = x1 & lo; r2 = x2 & lo; r3 = x3 & lo;
    }

    /// <summary>The ten round keys of key (k0, k1), each word in a 64-bit slot (key word 0 of round r at 2r, word 1 at 2r + 1).</summary>
    internal static PhiloxRoundKeys RoundKeys(uint k0, uint k1)
    {
        PhiloxRoundKeys keys = default;
        for (int r = 0; r < 10; r++)
        {
            keys[2 * r] = k0;
            keys[2 * r + 1] = k1;
            k0 += W0;
            k1 += W1;
        }
        return keys;
    }

    /// <summary>
    /// <see cref="Philox8(Vector512{ulong}, Vector512{ulong}, Vector512{ulong}, Vector512{ulong}, uint, uint, out Vector512{ulong}, out Vector512{ulong}, out Vector512{ulong}, out Vector512{ulong})"/>
    /// with the round keys read from memory (a broadcast operand, instead of an add and a broadcast per key and round).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Philox8(Vector512<ulong> x0, Vector512<ulong> x1, Vector512<ulong> x2, Vector512<ulong> x3, in PhiloxRoundKeys keys,
        out Vector512<ulong> r0, out Vector512<ulong> r1, out Vector512<ulong> r2, out Vector512<ulong> r3)
    {
        Round8(ref x0, ref x1, ref x2, ref x3, Vector512.Create(keys[0]), Vector512.Create(keys[1]));
        Round8(ref x0, ref x1, ref x2, ref x3, Vector512.Create(keys[2]), Vector512.Create(keys[3]));
        Round8(ref x0, ref x1, ref x2, ref x3, Vector512.Create(keys[4]), Vector512.Create(keys[5]));
        Round8(ref x0, ref x1, ref x2, ref x3, Vector512.Create(keys[6]), Vector512.Create(keys[7]));
        Round8(ref x0, ref x1, ref x2, ref x3, Vector512.Create(keys[8]), Vector512.Create(keys[9]));
        Round8(ref x0, ref x1, ref x2, ref x3, Vector512.Create(keys[10]), Vector512.Create(keys[11]));
        Round8(ref x0, ref x1, ref x2, ref x3, Vector512.Create(keys[12]), Vector512.Create(keys[13]));
        Round8(ref x0, ref x1, ref x2, ref x3, Vector512.Create(keys[14]), Vector512.Create(keys[15]));
        Round8(ref x0, ref x1, ref x2, ref x3, Vector512.Create(keys[16]), Vector512.Create(keys[17]));
        Round8(ref x0, ref x1, ref x2, ref x3, Vector512.Create(keys[18]), Vector512.Create(keys[19]));
        Vector512<ulong> lo = Vector512.Create(0xFFFFFFFFUL);
        r0 = x0 & lo; r1 = x1 & lo; r2 = x2 & lo; r3 = x3 & lo;
    }

    /// <summary>A round key word in every slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Key(uint k) => Vector512.Create((ulong)k);

    /// <summary>One Philox round on 8 counters with round key (k0, k1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round8(ref Vector512<ulong> x0, ref Vector512<ulong> x1, ref Vector512<ulong> x2, ref Vector512<ulong> x3, Vector512<ulong> k0, Vector512<ulong> k1)
    {
        Vector512<ulong> m0 = Vector512.Create((ulong)M0), m1 = Vector512.Create((ulong)M1);
        // 32×32→64-bit products: every word sits in the low half of its slot (vpmuludq where AVX-512 has it).
        Vector512<ulong> p0 = Avx512F.IsSupported ? Avx512F.Multiply(m0.AsUInt32(), x0.AsUInt32()) : m0 * x0;
        Vector512<ulong> p1 = Avx512F.IsSupported ? Avx512F.Multiply(m1.AsUInt32(), x2.AsUInt32()) : m1 * x2;
        Vector512<ulong> y0 = (p1 >>> 32) ^ x1 ^ k0;
        Vector512<ulong> y2 = (p0 >>> 32) ^ x3 ^ k1;
        x1 = p1;   // lo(p1) in the lower half
        x3 = p0;
        x0 = y0;
        x2 = y2;
    }

    private const uint M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
    private const double TwoPi = 6.283185307179586476925286766559;
    private const double Inv2Pow32 = 1.0 / 4294967296.0;
    private const double Inv2Pow53 = 1.0 / 9007199254740992.0;

    /// <summary>Philox4x32-10 of counter <paramref name="c"/> under key (k0, k1).</summary>
    // The ten rounds written out: neither RyuJIT nor ILGPU unrolls a loop, and in a GPU kernel the rounds' loop (counter,
    // branch, key bumps) cost as much as the rounds themselves.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Philox4 Block(Philox4 c, uint k0, uint k1)
    {
        uint x0 = c.X0, x1 = c.X1, x2 = c.X2, x3 = c.X3;
        Round(ref x0, ref x1, ref x2, ref x3, k0, k1);
        Round(ref x0, ref x1, ref x2, ref x3, unchecked(k0 + W0), unchecked(k1 + W1));
        Round(ref x0, ref x1, ref x2, ref x3, unchecked(k0 + 2 * W0), unchecked(k1 + 2 * W1));
        Round(ref x0, ref x1, ref x2, ref x3, unchecked(k0 + 3 * W0), unchecked(k1 + 3 * W1));
        Round(ref x0, ref x1, ref x2, ref x3, unchecked(k0 + 4 * W0), unchecked(k1 + 4 * W1));
        Round(ref x0, ref x1, ref x2, ref x3, unchecked(k0 + 5 * W0), unchecked(k1 + 5 * W1));
        Round(ref x0, ref x1, ref x2, ref x3, unchecked(k0 + 6 * W0), unchecked(k1 + 6 * W1));
        Round(ref x0, ref x1, ref x2, ref x3, unchecked(k0 + 7 * W0), unchecked(k1 + 7 * W1));
        Round(ref x0, ref x1, ref x2, ref x3, unchecked(k0 + 8 * W0), unchecked(k1 + 8 * W1));
        Round(ref x0, ref x1, ref x2, ref x3, unchecked(k0 + 9 * W0), unchecked(k1 + 9 * W1));
        return new Philox4(x0, x1, x2, x3);
    }

    /// <summary>One Philox4x32 round with round key (k0, k1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref uint x0, ref uint x1, ref uint x2, ref uint x3, uint k0, uint k1)
    {
        ulong p0 = (ulong)M0 * x0;
        ulong p1 = (ulong)M1 * x2;
        uint y0 = (uint)(p1 >> 32) ^ x1 ^ k0;
        uint y2 = (uint)(p0 >> 32) ^ x3 ^ k1;
        x1 = (uint)p1;
        x3 = (uint)p0;
        x0 = y0;
        x2 = y2;
    }

    /// <summary>(r + ½)·2⁻³², a uniform in (0, 1) from one word (the layout of bench/reference/gbm_em.c).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Uniform32(uint r) => ((double)r + 0.5) * Inv2Pow32;

    /// <summary>A uniform in (0, 1) with 53 random bits from two words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Uniform53(uint hi, uint lo) => ((double)((((ulong)hi) << 21) | (lo >> 11)) + 0.5) * Inv2Pow53;

    /// <summary>
    /// Normal number <paramref name="k"/> (0…3) of a block by Box–Muller on 32-bit uniforms, in the layout of
    /// bench/reference/gbm_em.c: Z₀,₁ = √(−2 ln u₀)·(cos, sin) 2πu₁ and Z₂,₃ from (u₂, u₃).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Normal32(Philox4 b, int k)
    {
        Pair32(k < 2 ? b.X0 : b.X2, k < 2 ? b.X1 : b.X3, out double cos, out double sin);
        return (k & 1) == 0 ? cos : sin;
    }

    /// <summary>All four normals of a block (<see cref="Normal32"/> for k = 0…3, the same bits), two transforms instead of four.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Normals32(Philox4 b, out double z0, out double z1, out double z2, out double z3)
    {
        Pair32(b.X0, b.X1, out z0, out z1);
        Pair32(b.X2, b.X3, out z2, out z3);
    }

    /// <summary>
    /// Box–Muller on one pair of words: √(−2 ln u_a)·(cos, sin) 2πu_b, with the series of BoxMuller in their kernel-safe
    /// scalar forms (within a few ulp of Math.Log/Sin/Cos, far faster on a GPU than its software double functions).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair32(uint ra, uint rb, out double zCos, out double zSin)
    {
        double radius = Math.Sqrt(-2.0 * BoxMuller.LogUnit(Uniform32(ra)));
        BoxMuller.SinCosTurns(Uniform32(rb), out double sin, out double cos);
        zCos = radius * cos;
        zSin = radius * sin;
    }

    /// <summary>Two independent standard normals by Box–Muller on two 53-bit uniforms of one block (better tails).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Normal53Pair(Philox4 b, out double z0, out double z1)
    {
        double radius = Math.Sqrt(-2.0 * Math.Log(Uniform53(b.X0, b.X1)));
        double angle = TwoPi * Uniform53(b.X2, b.X3);
        z0 = radius * Math.Cos(angle);
        z1 = radius * Math.Sin(angle);
    }
}

/// <summary>The ten round keys of a Philox4x32-10 key, each word widened to 64 bits.</summary>
[InlineArray(20)]
internal struct PhiloxRoundKeys
{
    private ulong _k;
}
