"""Exact reference values for test/sql/cohort_conditioning.sql.

    cd test/ref/stats && /usr/bin/python3 gen_conditioning.py

Reads conditioning_rows.csv (written by gen_experiments.R) and computes, in
exact rational arithmetic on the doubles of the file, each arm's sample
variance, the control arm's covariance of value and covariate and the
covariate's variance, and Welch's standard error, degrees of freedom and
t statistic; rounded once to double at the end.  Writes conditioning.csv.
"""
import csv
from fractions import Fraction as F
import math

rows = list(csv.DictReader(open("conditioning_rows.csv")))


def moments(v):
    n = len(v)
    m = sum(v) / n
    return n, m, sum((x - m) ** 2 for x in v) / (n - 1)


out = []
for case in sorted({r["id"] for r in rows}, key=int):
    arm = {a: [r for r in rows if r["id"] == case and r["arm"] == a] for a in ("control", "treatment")}
    yc = [F(float(r["value"])) for r in arm["control"]]
    yt = [F(float(r["value"])) for r in arm["treatment"]]
    xc = [F(float(r["covariate"])) for r in arm["control"]]
    nc, mc, vc = moments(yc)
    nt, mt, vt = moments(yt)
    _, mx, vx = moments(xc)
    cov = sum((y - mc) * (x - mx) for y, x in zip(yc, xc)) / (nc - 1)
    se2 = vc / nc + vt / nt
    df = se2 ** 2 / ((vc / nc) ** 2 / (nc - 1) + (vt / nt) ** 2 / (nt - 1))
    se = math.sqrt(float(se2))
    out.append([case, float(vc), float(vt), float(cov), float(vx), float(mt - mc), se, float(mt - mc) / se,
                float(df)])

with open("conditioning.csv", "w") as f:
    f.write("id,var_c,var_t,cov_c,var_xc,diff,se,t,df\n")
    for r in out:
        f.write(",".join([r[0]] + ["%.17g" % x for x in r[1:]]) + "\n")
