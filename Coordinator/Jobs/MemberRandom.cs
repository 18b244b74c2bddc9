using System.Text;

namespace Diffrax.Coordinator.Jobs;

/// <summary>
/// Counter-based random draws for ensemble members: a value is a pure function of (job seed, axis key, member index,
/// draw number), so it is the same whatever the batch size, node or order of work, and adding an axis leaves the
/// draws of the others unchanged. The mixing function is the SplitMix64 finalizer (Steele, Lea &amp; Flood 2014),
/// applied once per input word.
/// </summary>
public static class MemberRandom
{
    /// <summary>A stable 64-bit key of an axis name (FNV-1a over its UTF-8 bytes; not <see cref="string.GetHashCode()"/>, which changes per process).</summary>
    public static ulong KeyOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ulong h = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(name)) { h ^= b; h *= 1099511628211UL; }
        return h;
    }

    /// <summary>64 random bits for draw <paramref name="k"/> of <paramref name="member"/> on stream <paramref name="key"/>.</summary>
    public static ulong Bits(ulong seed, ulong key, long member, int k)
        => Mix(Mix(Mix(Mix(seed) ^ key) + (ulong)member) + (ulong)k);

    /// <summary>A uniform number in (0, 1) (never 0 or 1: the 53-bit grid offset by half a unit).</summary>
    public static double Uniform(ulong seed, ulong key, long member, int k)
        => ((Bits(seed, key, member, k) >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>A standard normal number by the Box–Muller transform of draws 0 and 1.</summary>
    public static double StandardNormal(ulong seed, ulong key, long member)
    {
        double u1 = Uniform(seed, key, member, 0), u2 = Uniform(seed, key, member, 1);
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
