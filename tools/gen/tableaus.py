"""Generates Solvers/RungeKutta/Tableaus.g.cs from the published coefficients listed below.

Coefficients: Tsitouras (2011) Tsit5; Dormand–Prince (1980) with Shampine's (1986) dense output for Dopri5;
Prince–Dormand (1981) RK8(7)13M for Dopri8 with the Bogacki–Shampine (1990) interpolant Diffrax uses (degree 6,
no extra stages: fifth order); Tsit5, Dopri5 and Dopri8 dense outputs are then bootstrapped to orders 5, 5 and 7 with
extra stages (see `bootstrap` below; orders checked tree by tree in tests/Solvers.Tests/TableauTests.cs); Bogacki–Shampine (1989)
Bosh3; textbook Euler, Heun, Midpoint, Ralston and classic RK4. Values are written with Python's shortest
round-trip repr, so the C# literals are the same doubles the rational expressions evaluate to.
Run: python3 tools/gen/tableaus.py > Solvers/RungeKutta/Tableaus.g.cs
"""
from fractions import Fraction as F

def r(x): return repr(float(x))

# --- Tsit5 (Tsitouras 2011) ---
tsit5_a = [
 [161/1000],
 [-0.8480655492356988544426874250230774675121177393430391537369234245294192976164141156943e-2, 0.3354806554923569885444268742502307746751211773934303915373692342452941929761641411569],
 [2.897153057105493432130432594192938764924887287701866490314866693455023795137503079289, -6.359448489975074843148159912383825625952700647415626703305928850207288721235210244366, 4.362295432869581411017727318190886861027813359713760212991062156752264926097707165077],
 [5.325864828439256604428877920840511317836476253097040101202360397727981648835607691791, -11.74888356406282787774717033978577296188744178259862899288666928009020615663593781589, 7.495539342889836208304604784564358155658679161518186721010132816213648793440552049753, -0.9249506636175524925650207933207191611349983406029535244034750452930469056411389539635e-1],
 [5.861455442946420028659251486982647890394337666164814434818157239052507339770711679748, -12.92096931784710929170611868178335939541780751955743459166312250439928519268343184452, 8.159367898576158643180400794539253485181918321135053305748355423955009222648673734986, -0.7158497328140099722453054252582973869127213147363544882721139659546372402303777878835e-1, -0.2826905039406838290900305721271224146717633626879770007617876201276764571291579142206e-1],
 [0.9646076681806522951816731316512876333711995238157997181903319145764851595234062815396e-1, 1/100, 0.4798896504144995747752495322905965199130404621990332488332634944254542060153074523509, 1.379008574103741893192274821856872770756462643091360525934940067397245698027561293331, -3.290069515436080679901047585711363850115683290894936158531296799594813811049925401677, 2.324710524099773982415355918398765796109060233222962411944060046314465391054716027841],
]
tsit5_b = tsit5_a[-1] + [0.0]
tsit5_bhat = [0.9468075576583945807478876255758922856117527357724631226139574065785592789071067303271e-1, 0.9183565540343253096776363936645313759813746240984095238905939532922955247253608687270e-2, 0.4877705284247615707855642599631228241516691959761363774365216240304071651579571959813, 1.234297566930478985655109673884237654035539930748192848315425833500484878378061439761, -2.707712349983525454881109975059321670689605166938197378763992255714444407154902012702, 1.866628418170587035753719399566211498666255505244122593996591602841258328965767580089, 1/66]
tsit5_e = [b - bh for b, bh in zip(tsit5_b, tsit5_bhat)]
tsit5_c = [0, 161/1000, 327/1000, 9/10, 0.9800255409045096857298102862870245954942137979563024768854764293221195950761080302604, 1.0, 1.0]

# --- Dopri5 ---
dopri5_a = [[F(1,5)],[F(3,40),F(9,40)],[F(44,45),F(-56,15),F(32,9)],[F(19372,6561),F(-25360,2187),F(64448,6561),F(-212,729)],
            [F(9017,3168),F(-355,33),F(46732,5247),F(49,176),F(-5103,18656)],[F(35,384),0,F(500,1113),F(125,192),F(-2187,6784),F(11,84)]]
dopri5_b = dopri5_a[-1] + [0]
dopri5_bhat = [F(5179,57600),0,F(7571,16695),F(393,640),F(-92097,339200),F(187,2100),F(1,40)]
dopri5_e = [b - bh for b, bh in zip(dopri5_b, dopri5_bhat)]
dopri5_c = [0,F(1,5),F(3,10),F(4,5),F(8,9),1,1]
dopri5_cmid = [F(6025192743,30085553152)/2,0,F(51252292925,65400821598)/2,F(-2691868925,45128329728)/2,F(187940372067,1594534317056)/2,F(-1776094331,19743644256)/2,F(11237099,235043384)/2]

# --- Dopri8 (Prince & Dormand 1981) ---
d8a = [
 [F(1,18)],[F(1,48),F(1,16)],[F(1,32),0,F(3,32)],[F(5,16),0,F(-75,64),F(75,64)],[F(3,80),0,0,F(3,16),F(3,20)],
 [F(29443841,614563906),0,0,F(77736538,692538347),F(-28693883,1125000000),F(23124283,1800000000)],
 [F(16016141,946692911),0,0,F(61564180,158732637),F(22789713,633445777),F(545815736,2771057229),F(-180193667,1043307555)],
 [F(39632708,573591083),0,0,F(-433636366,683701615),F(-421739975,2616292301),F(100302831,723423059),F(790204164,839813087),F(800635310,3783071287)],
 [F(246121993,1340847787),0,0,F(-37695042795,15268766246),F(-309121744,1061227803),F(-12992083,490766935),F(6005943493,2108947869),F(393006217,1396673457),F(123872331,1001029789)],
 [F(-1028468189,846180014),0,0,F(8478235783,508512852),F(1311729495,1432422823),F(-10304129995,1701304382),F(-48777925059,3047939560),F(15336726248,1032824649),F(-45442868181,3398467696),F(3065993473,597172653)],
 [F(185892177,718116043),0,0,F(-3185094517,667107341),F(-477755414,1098053517),F(-703635378,230739211),F(5731566787,1027545527),F(5232866602,850066563),F(-4093664535,808688257),F(3962137247,1805957418),F(65686358,487910083)],
 [F(403863854,491063109),0,0,F(-5068492393,434740067),F(-411421997,543043805),F(652783627,914296604),F(11173962825,925320556),F(-13158990841,6184727034),F(3936647629,1978049680),F(-160528059,685178525),F(248638103,1413531060),0],
 [F(14005451,335480064),0,0,0,0,F(-59238493,1068277825),F(181606767,758867731),F(561292985,797845732),F(-1041891430,1371343529),F(760417239,1151165299),F(118820643,751138087),F(-528747749,2220607170),F(1,4)],
]
d8b = d8a[-1] + [0]
d8bhat = [F(13451932,455176623),0,0,0,0,F(-808719846,976000145),F(1757004468,5645159321),F(656045339,265891186),F(-3867574721,1518517206),F(465885868,322736535),F(53011238,667516719),F(2,45),0,0]
d8e = [b - bh for b, bh in zip(d8b, d8bhat)]
d8c = [0,F(1,18),F(1,12),F(1,8),F(5,16),F(3,8),F(59,400),F(93,200),F(5490023248,9719169821),F(13,20),F(1201146811,1299019798),1,1,1]
d8dense = [
 [-6.3448349392860401388,22.1396504998094068976,-30.0610568289666450593,19.9990069333683970610,-6.6910181737837595697,1],
 [0]*6,[0]*6,[0]*6,[0]*6,
 [-39.6107919852202505218,116.4422149550342161651,-121.4999627731334642623,52.2273532792945524050,-7.6142658045872677172,0],
 [20.3761213808791436958,-67.1451318825957197185,83.1721004639847717481,-46.8919164181093621583,10.7281392630428866124,0],
 [7.3347098826795362023,-16.5672243527496524646,9.5724507555993664382,-0.1890893225010595467,0.5526637063753648783,0],
 [32.8801774352459155182,-89.9916014847245016028,87.8406057677205645007,-35.7075975946222072821,4.2186562625665153803,0],
 [-10.1588990526426760954,22.6237489648532849093,-17.4152107770762969005,6.2736448083240352160,-0.6627209125361597559,0],
 [-12.5401268098782561200,32.2362340167355370113,-28.5903289514790976966,10.3160881272450748458,-1.2636789001135462218,0],
 [29.5553001484516038033,-82.1020315488359848644,81.6630950584341412934,-34.7650769866611817349,5.4106037898590422230,0],
 [-41.7923486424390588923,116.2662185791119533462,-114.9375291377009418170,47.7457971078225540396,-7.0321379067945741781,0],
 [20.3006925822100825485,-53.9020777466385396792,50.2558364226176017553,-19.0082099341608028453,2.3537586759714983486,0],
]

solvers = []
def add(name, cls, doc, order, err_order, fsal, a, b, e, c, dense, dense_order):
    solvers.append(dict(name=name, cls=cls, doc=doc, order=order, err_order=err_order, fsal=fsal, a=a, b=b, e=e, c=c, dense=dense, dense_order=dense_order))

add('euler','Euler','Euler\'s method: first order, one stage, no error estimate (use a constant step).',1,0,False,[],[1],[0],[0],'hermite',3)
add('heun','Heun','Heun\'s method: second order, two stages, embedded Euler error estimate.',2,1,False,[[1]],[F(1,2),F(1,2)],[F(1,2),F(-1,2)],[0,1],'hermite',3)
add('midpoint','Midpoint','The explicit midpoint method: second order, two stages, embedded Euler error estimate.',2,1,False,[[F(1,2)]],[0,1],[1,-1],[0,F(1,2)],'hermite',3)
add('ralston','Ralston','Ralston\'s method: second order with minimal truncation error, embedded Euler error estimate.',2,1,False,[[F(2,3)]],[F(1,4),F(3,4)],[F(3,4),F(-3,4)],[0,F(2,3)],'hermite',3)
add('rk4','Rk4','The classic fourth-order Runge–Kutta method (Kutta 1901): four stages, no error estimate (use a constant step).',4,0,False,[[F(1,2)],[0,F(1,2)],[0,0,1]],[F(1,6),F(1,3),F(1,3),F(1,6)],[0,0,0,0],[0,F(1,2),F(1,2),1],'hermite',3)
add('bosh3','Bosh3','Bogacki–Shampine 3(2) (1989): four stages with FSAL, embedded second-order error estimate.',3,2,True,[[F(1,2)],[0,F(3,4)],[F(2,9),F(1,3),F(4,9)]],[F(2,9),F(1,3),F(4,9),0],[F(2,9)-F(7,24),F(1,3)-F(1,4),F(4,9)-F(1,3),F(-1,8)],[0,F(1,2),F(3,4),1],'hermite',3)
add('dopri5','Dopri5','Dormand–Prince 5(4) (1980): seven stages with FSAL, fifth order, embedded fourth-order estimate; fifth-order dense output bootstrapped from Shampine\'s (1986) fourth-order continuous extension with two extra stages.',5,4,True,dopri5_a,dopri5_b,dopri5_e,dopri5_c,'dopri5',5)
add('tsit5','Tsit5','Tsitouras 5(4) (2011): seven stages with FSAL, fifth order, embedded fourth-order estimate; fifth-order dense output bootstrapped from Tsitouras\' fourth-order interpolant with two extra stages.',5,4,True,tsit5_a,tsit5_b,tsit5_e,tsit5_c,'tsit5',5)
add('dopri8','Dopri8','Prince–Dormand 8(7) RK8(7)13M (1981): fourteen stages with FSAL, eighth order, embedded seventh-order estimate; seventh-order dense output bootstrapped from the Bogacki–Shampine (1990) fifth-order interpolant with seven extra stages.',8,7,True,d8a,d8b,d8e,d8c,'dopri8',7)


def cs_switch1(vals, indent):
    items = [f'{i} => {r(v)},' for i, v in enumerate(vals) if float(v) != 0.0]
    return 'i switch { ' + ' '.join(items) + ' _ => 0.0 }'


# --- Bootstrapped dense output (Enright, Jackson, Nørsett & Thomsen 1986; Hairer, Nørsett & Wanner I, §II.6) ---
# A lower-order interpolant u(θ) gives states at M interior points; the fields there, times h, are M extra stages
# X_m = h·f(t0 + θ_m·h, u(θ_m)). The new interpolant p is the polynomial of degree D = M + 3 with p(0) = y0,
# p(1) = y1, p'(0) = k0, p'(1) = k_end and p'(θ_m) = X_m. If u has order r and the method order ≥ D, the data are
# accurate to O(h^(min(D, r+1) + 1)), so p has order min(D, r + 1): one level lifts an order-4 interpolant to 5
# (Tsit5, Dopri5: two extra stages), two levels lift Dopri8's order-5 interpolant to 6 and then 7 (3 + 4 extra stages).

def poly_eval(co, t):
    """co[j] multiplies θ^(j+1)."""
    return sum(c * t ** (j + 1) for j, c in enumerate(co))

def hermite_birkhoff(thetas):
    """Weights of p(θ) = Σ_j c_j θ^j (j = 1..D) on the data [Δ = y1 − y0, k0, k_end, X_1..X_M], as coefficient
    lists (θ^1..θ^D) per datum; exact in rationals."""
    D = len(thetas) + 3
    rows = [[F(1)] * D, [F(1)] + [F(0)] * (D - 1), [F(j + 1) for j in range(D)]]
    for th in thetas: rows.append([F(j + 1) * th ** j for j in range(D)])
    # invert rows (D×D): c = rows⁻¹ · data
    n = D
    m = [r_[:] + [F(int(i == j)) for j in range(n)] for i, r_ in enumerate(rows)]
    for col in range(n):
        piv = next(i for i in range(col, n) if m[i][col] != 0)
        m[col], m[piv] = m[piv], m[col]
        pv = m[col][col]
        m[col] = [x / pv for x in m[col]]
        for i in range(n):
            if i != col and m[i][col] != 0:
                fct = m[i][col]
                m[i] = [a - fct * b for a, b in zip(m[i], m[col])]
    inv = [row[n:] for row in m]                  # inv[j][d]: coefficient of θ^(j+1) from datum d
    return [[inv[j][d] for j in range(D)] for d in range(n)]

def bootstrap(b, S, lower, levels):
    """lower(i, θ) -> weight of input i (0..S-1 stages, S = k_end, S+1+m = earlier extra m) of the starting
    interpolant. Returns (extras: list of (c, a-row over inputs), final weights: {input index: coefficient list})."""
    extras = []
    weight = lower
    for thetas in levels:
        base = len(extras)
        for th in thetas:
            row = [float(weight(i, float(th))) for i in range(S + 1 + len(extras))]
            extras.append((th, row))
        hb = hermite_birkhoff(thetas)
        polys = {}
        D = len(thetas) + 3
        for i in range(S):
            co = [hb[0][j] * F(b[i]) for j in range(D)]
            if i == 0: co = [x + y for x, y in zip(co, hb[1])]
            polys[i] = co
        polys[S] = hb[2]
        for m_, _ in enumerate(thetas): polys[S + 1 + base + m_] = hb[3 + m_]
        weight = (lambda P: (lambda i, t: poly_eval(P[i], F(t)) if i in P else 0.0))(polys)
    return extras, polys

def tsit5_lower(i, t):
    t2 = t * t
    f = {
        0: lambda: -1.0530884977290216 * t * (t - 1.3299890189751412) * (t2 - 1.4364028541716351 * t + 0.7139816917074209),
        1: lambda: 0.1017 * t2 * (t2 - 2.1966568338249754 * t + 1.2949852507374631),
        2: lambda: 2.490627285651252793 * t2 * (t2 - 2.38535645472061657 * t + 1.57803468208092486),
        3: lambda: -16.54810288924490272 * (t - 1.21712927295533244) * (t - 0.61620406037800089) * t2,
        4: lambda: 47.37952196281928122 * (t - 1.203071208372362603) * (t - 0.658047292653547382) * t2,
        5: lambda: -34.87065786149660974 * (t - 1.2) * (t - 0.666666666666666667) * t2,
        6: lambda: 2.5 * (t - 1.0) * (t - 0.6) * t2,
    }
    return f[i]() if i in f else 0.0

def dopri5_lower(i, t):
    if i >= 7: return 0.0
    t2, t3, t4 = t * t, t ** 3, t ** 4
    w = float(dopri5_b[i]) * (-5 * t2 + 14 * t3 - 8 * t4) + float(dopri5_cmid[i]) * (16 * t2 - 32 * t3 + 16 * t4)
    if i == 0: w += t - 4 * t2 + 5 * t3 - 2 * t4
    if i == 6: w += t2 - 3 * t3 + 2 * t4
    return w

def dopri8_lower(i, t):
    if i >= len(d8dense): return 0.0
    co = d8dense[i]
    v = co[0]
    for x in co[1:]: v = v * t + x
    return v * t

BOOT = {'tsit5': (tsit5_lower, [[F(1,3), F(2,3)]]), 'dopri5': (dopri5_lower, [[F(1,3), F(2,3)]]),
        'dopri8': (dopri8_lower, [[F(1,4), F(1,2), F(2,3)], [F(1,5), F(2,5), F(3,5), F(4,5)]])}

out = []
out.append('// <auto-generated> by tools/gen/tableaus.py from published coefficients; edit the generator, not this file. </auto-generated>')
out.append('#pragma warning disable CS1591')
out.append('using System.Runtime.CompilerServices;\nusing Diffrax.Solvers.Lanes;\nusing Diffrax.Solvers.States;\nusing Diffrax.Solvers.Terms;\n\nnamespace Diffrax.Solvers.RungeKutta;\n')
for s in solvers:
    S = len(s['b'])
    out.append(f'/// <summary>{s["doc"]}</summary>')
    out.append(f'public struct {s["cls"]} : IExplicitRungeKutta')
    out.append('{')
    out.append(f'    /// <inheritdoc/>\n    public static string Name => "{s["name"]}";')
    out.append(f'    /// <inheritdoc/>\n    public static int Stages => {S};')
    out.append(f'    /// <inheritdoc/>\n    public static int Order => {s["order"]};')
    out.append(f'    /// <inheritdoc/>\n    public static int ErrorOrder => {s["err_order"]};')
    out.append(f'    /// <inheritdoc/>\n    public static bool Fsal => {"true" if s["fsal"] else "false"};')
    out.append(f'    /// <inheritdoc/>\n    public static int DenseOrder => {s["dense_order"]};')
    fused = (not s['fsal']) and S <= 4   # see IButcherTableau.FusedStages
    if fused: out.append('    /// <inheritdoc/>\n    public static bool FusedStages => true;')
    # A
    rows = []
    for i, row in enumerate(s['a']):
        items = [f'{j} => {r(v)},' for j, v in enumerate(row) if float(v) != 0.0]
        rows.append(f'            {i+1} => j switch {{ ' + ' '.join(items) + ' _ => 0.0 },')
    out.append('    /// <inheritdoc/>\n    [MethodImpl(MethodImplOptions.AggressiveInlining)]\n    public static double A(int i, int j) => i switch\n    {\n' + '\n'.join(rows) + ('\n' if rows else '') + '        _ => 0.0,\n    };')
    out.append('    /// <inheritdoc/>\n    [MethodImpl(MethodImplOptions.AggressiveInlining)]\n    public static double B(int i) => ' + cs_switch1(s['b'], 8) + ';')
    out.append('    /// <inheritdoc/>\n    [MethodImpl(MethodImplOptions.AggressiveInlining)]\n    public static double C(int i) => ' + cs_switch1(s['c'], 8) + ';')
    out.append('    /// <inheritdoc/>\n    [MethodImpl(MethodImplOptions.AggressiveInlining)]\n    public static double E(int i) => ' + cs_switch1(s['e'], 8) + ';')
    # dense weights: one small method per stage (and k_end), so callers with a constant index inline only what they use
    d = s['dense']
    weights = {}   # stage index -> list of C# statements ending in 'return ...;'
    extras = []    # extra dense stages: (node, coefficients over the inputs)
    if d == 'hermite':
        for i in range(S + 1):
            st = ['T t2 = theta * theta, t3 = t2 * theta;']
            if i == S:
                st.append('return t3 - t2;')
            else:
                st.append('T h01 = T.From(3.0) * t2 - T.From(2.0) * t3;')
                st.append(f'T w = T.From({r(s["b"][i])}) * h01;')
                if i == 0: st.append('w = w + t3 - T.From(2.0) * t2 + theta;')
                st.append('return w;')
            weights[i] = st
    else:
        # The published interpolant (tsit5_lower, dopri5_lower or dopri8_lower above) lifted by bootstrapping.
        lw, levels = BOOT[d]
        extras, polys = bootstrap(s['b'], S, lw, levels)
        for i, co in polys.items():
            if all(x == 0 for x in co): continue
            expr = f'T.From({r(co[-1])})'
            for x in reversed(co[:-1]):
                expr = f'T.Fma({expr}, t, T.From({r(x)}))'
            weights[i] = ['T t = theta;', f'return {expr} * t;']
    def wname(i): return 'WEnd' if i == S else (f'W{i}' if i < S else f'WX{i - S - 1}')
    M = len(extras)
    out.append(f'    /// <inheritdoc/>\n    public static int DenseStages => {M};')
    if M:
        rows = []
        for m_, (th, row) in enumerate(extras):
            items = [f'{j} => {r(v)},' for j, v in enumerate(row) if float(v) != 0.0]
            rows.append(f'            {m_} => j switch {{ ' + ' '.join(items) + ' _ => 0.0 },')
        out.append('    /// <inheritdoc/>\n    public static double DenseA(int i, int j) => i switch\n    {\n' + '\n'.join(rows) + '\n        _ => 0.0,\n    };')
        out.append('    /// <inheritdoc/>\n    public static double DenseC(int i) => ' + cs_switch1([th for th, _ in extras], 8) + ';')
    for i in sorted(weights):
        nm = wname(i)
        what = 'k_end' if i == S else ('stage ' + str(i) if i < S else f'extra dense stage {i - S - 1}')
        out.append(f'    /// <summary>Dense-output weight of {what} at fraction θ of the step.</summary>')
        out.append(f'    [MethodImpl(MethodImplOptions.AggressiveInlining)]')
        out.append(f'    public static T {nm}<T>(T theta) where T : struct, IScalar<T>')
        out.append('    {')
        out.extend('        ' + x for x in weights[i])
        out.append('    }')
    cases = ' '.join(f'{i} => {wname(i)}(theta),' for i in sorted(weights))
    out.append('    /// <inheritdoc/>')
    out.append('    public static T DenseWeight<T>(int i, T theta) where T : struct, IScalar<T> => i switch { ' + cases + ' _ => T.Zero };')

    # The step, specialised: the generic stage recurrence of ExplicitRungeKuttaEngine.Step with this tableau's
    # coefficients as literals and zero terms dropped (what a C++ template would fold at compile time).
    a = s['a']; b = s['b']; e = s['e']; c = s['c']
    L = []
    L.append('TC control = term.StepContr(t0, h);')
    # Fused tableaus: each distinct coefficient times the control once per step (a coefficient of 1 is the control).
    cvals = sorted({float(v) for row in a for v in row} | {float(v) for v in b}) if fused else []
    cvals = [v for v in cvals if v not in (0.0, 1.0)]
    def cref(v): return 'control' if float(v) == 1.0 else f'c{cvals.index(float(v))}'
    def fref(j): return 'f0' if j == 0 else f'fs{j}'
    for ci, v in enumerate(cvals): L.append(f'TC c{ci} = term.ScaleControl(T.From({r(v)}), control);')
    L.append('TY k0 = term.Prod(f0, control);')
    last_y = 'y0'; last_f = 'f0'
    for i in range(1, S):
        L.append(f'TY ys{i} = y0;')
        for jj, v in enumerate(a[i-1]):
            if float(v) == 0.0: continue
            if fused: L.append(f'ys{i} = term.ProdAdd(ys{i}, {fref(jj)}, {cref(v)});')
            else: L.append(f'ys{i} = TY.Fma(T.From({r(v)}), k{jj}, ys{i});')
        L.append(f'TF fs{i} = term.Vf(T.Fma(T.From({r(c[i])}), h, t0), ys{i});')
        L.append(f'TY k{i} = term.Prod(fs{i}, control);')
        last_y = f'ys{i}'; last_f = f'fs{i}'
    # The new state and the error are built in locals and written to the out parameters once at the end: an out
    # parameter is memory, and accumulating into it chains every FMA through a store and a reload (measured 2×).
    L.append(f'fLast = {last_f};')
    if s['fsal']:
        L.append(f'TY yNew = {last_y};')
    else:
        L.append('TY yNew = y0;')
        for i2, v in enumerate(b):
            if float(v) == 0.0: continue
            if fused: L.append(f'yNew = term.ProdAdd(yNew, {fref(i2)}, {cref(v)});')
            else: L.append(f'yNew = TY.Fma(T.From({r(v)}), k{i2}, yNew);')
    L.append('TY errNew = TY.Splat(T.Zero);')
    if s['err_order'] > 0:
        L.append('if (wantError)')
        L.append('{')
        for i2, v in enumerate(e):
            if float(v) != 0.0: L.append(f'    errNew = TY.Fma(T.From({r(v)}), k{i2}, errNew);')
        L.append('}')
    L.append('y1 = yNew;')
    L.append('err = errNew;')
    # Stages live in locals (registers) during the step and are stored once at the end, off the critical path, and only
    # when the caller will read them (dense output): the adaptive loop's steps without a save inside skip the stores.
    L.append('if (wantStages)')
    L.append('{')
    for i2 in range(S):
        L.append(f'    k.K{i2} = k{i2};')
    L.append('}')
    WHERE = ['        where TTerm : struct, ITerm<T, TY, TC, TF>', '        where T : struct, IScalar<T>',
             '        where TY : struct, IState<TY, T>', '        where TF : struct, IState<TF, T>']
    # Each JIT root has an inlined twin with the same body (IExplicitRungeKutta.StepInline): GPU kernels call the twins
    # through InlineTableau, because ILGPU keeps any NoInlining call a call and then the thread's state in memory.
    out.append('    /// <inheritdoc/>')
    out.append('    // Its own JIT root: inlined into the integrate loop it would exhaust the JIT inlining budget (measured).')
    out.append('    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]')
    out.append('    public static void Step<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, in TF f0, bool wantError, bool wantStages,')
    out.append('        ref RkStages<TY> k, out TY y1, out TY err, out TF fLast)')
    out.extend(WHERE)
    # The body again, not a call of StepInline: the JIT sizes a root's inlining budget by the root's own IL, and a
    # forwarding root ran out of it (Tsit5's step: 2,377 -> 6,526 bytes of code, lane operations left as calls).
    out.append('    {')
    out.extend('        ' + x for x in L)
    out.append('    }')
    out.append('    /// <inheritdoc/>')
    out.append('    [MethodImpl(MethodImplOptions.AggressiveInlining)]')
    out.append('    public static void StepInline<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, in TF f0, bool wantError, bool wantStages,')
    out.append('        ref RkStages<TY> k, out TY y1, out TY err, out TF fLast)')
    out.extend(WHERE)
    out.append('    {')
    # In a kernel the stages are registers, and a store kept only when the caller asks for it leaves the previous step's
    # stages live through the whole loop (ptxas cannot tell that they are never read): the twin stores them always.
    w = L.index('if (wantStages)')
    out.extend('        ' + x for x in L[:w] + [y.strip() for y in L[w + 2:-1]])
    out.append('    }')
    # Advance: the same stage recurrence and y1 (same operations in the same order, so the same bits) without the
    # error estimate or stored stages: runs of constant steps (Integrator.RunGroups). Up to four stages it inlines into
    # the run loop; larger tableaus are their own JIT root, as Step is (inlined, Tsit5's step left the run loop's lane
    # operations as calls and ran 15-20x slower: measured).
    A = [x for x in L if not x.strip().startswith('k.K') and 'err' not in x and x not in ('if (wantError)', 'if (wantStages)', '{', '}')]
    if fused: A = [x for x in A if not x.startswith('TY k')]   # the stage increments are only stored and estimated from
    out.append('    /// <inheritdoc/>')
    if S <= 4:
        out.append('    [MethodImpl(MethodImplOptions.AggressiveInlining)]')
    else:
        out.append('    // Its own JIT root: inlined into the run loop it would exhaust the JIT inlining budget (measured).')
        out.append('    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]')
    out.append('    public static void Advance<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, in TF f0, out TY y1, out TF fLast)')
    out.extend(WHERE)
    out.append('    {')
    out.extend('        ' + x for x in A)
    out.append('    }')
    out.append('    /// <inheritdoc/>')
    out.append('    [MethodImpl(MethodImplOptions.AggressiveInlining)]')
    out.append('    public static void AdvanceInline<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, in TF f0, out TY y1, out TF fLast)')
    out.extend(WHERE)
    out.append('    {')
    out.extend('        ' + x for x in A)
    out.append('    }')
    if not M:
        out.append('    /// <inheritdoc/>')
        out.append('    [MethodImpl(MethodImplOptions.AggressiveInlining)]')
        out.append('    public static void PrepareDense<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, ref RkStages<TY> k, in TY kEnd)')
        out.append('        where TTerm : struct, ITerm<T, TY, TC, TF> where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TF : struct, IState<TF, T> { }')
        out.append('    /// <inheritdoc/>')
        out.append('    [MethodImpl(MethodImplOptions.AggressiveInlining)]')
        out.append('    public static void PrepareDenseInline<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, ref RkStages<TY> k, in TY kEnd)')
        out.append('        where TTerm : struct, ITerm<T, TY, TC, TF> where T : struct, IScalar<T> where TY : struct, IState<TY, T> where TF : struct, IState<TF, T> { }')
    if M:
        # The extra stages of the bootstrapped interpolant: input j is stage j (j < S), k_end (j = S) or extra stage
        # j − S − 1, which is stored in slot j − 1 of the stage buffer (slot S + m holds extra m).
        P = ['TC control = term.StepContr(t0, h);']
        for m_, (th, row) in enumerate(extras):
            P.append(f'TY yx{m_} = y0;')
            for j, v in enumerate(row):
                if float(v) == 0.0: continue
                src = f'k.K{j}' if j < S else ('kEnd' if j == S else f'k.K{j - 1}')
                P.append(f'yx{m_} = TY.Fma(T.From({r(v)}), {src}, yx{m_});')
            P.append(f'k.K{S + m_} = term.Prod(term.Vf(T.Fma(T.From({r(th)}), h, t0), yx{m_}), control);')
        out.append('    /// <inheritdoc/>')
        out.append('    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]')
        out.append('    public static void PrepareDense<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, ref RkStages<TY> k, in TY kEnd)')
        out.extend(WHERE)
        out.append('    {')
        out.extend('        ' + x for x in P)
        out.append('    }')
        out.append('    /// <inheritdoc/>')
        out.append('    [MethodImpl(MethodImplOptions.AggressiveInlining)]')
        out.append('    public static void PrepareDenseInline<TTerm, T, TY, TC, TF>(in TTerm term, T t0, T h, in TY y0, ref RkStages<TY> k, in TY kEnd)')
        out.extend(WHERE)
        out.append('    {')
        out.extend('        ' + x for x in P)
        out.append('    }')
    I = ['TY y = y0;']
    for i2 in sorted(weights):
        kk = 'kEnd' if i2 == S else (f'k.K{i2}' if i2 < S else f'k.K{i2 - 1}')
        I.append(f'y = TY.Fma({wname(i2)}(theta), {kk}, y);')
    I.append('return y;')
    out.append('    /// <inheritdoc/>')
    out.append('    [MethodImpl(MethodImplOptions.AggressiveInlining)]')
    out.append('    public static TY Interpolate<T, TY>(T theta, in TY y0, in RkStages<TY> k, in TY kEnd)')
    out.append('        where T : struct, IScalar<T>')
    out.append('        where TY : struct, IState<TY, T>')
    out.append('    {')
    out.extend('        ' + x for x in I)
    out.append('    }')
    out.append('}\n')
print('\n'.join(out))
