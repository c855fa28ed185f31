# Cross-check of test/ref/sketch_mwu.out with SciPy: the same cases, the
# asymptotic Mann-Whitney test with tie and continuity corrections.
#
#   /usr/bin/python3 test/ref/sketch_mwu_scipy.py > test/ref/sketch_mwu_scipy.out
from scipy.stats import mannwhitneyu

cases = {
    "small": ([12, 15, 15, 18, 20, 22, 22, 22, 25, 30, 31, 40],
              [14, 18, 22, 26, 26, 27, 33, 35, 41, 45]),
    "modular": ([(i * 37) % 101 + 1 for i in range(1, 201)],
                [(i * 53) % 97 + 10 for i in range(1, 151)]),
    "shifted": ([(i * 7) % 50 + 20 for i in range(1, 301)],
                [(i * 11) % 50 + 24 for i in range(1, 301)]),
}
print("case\tprob_treatment_greater\tp_value")
for name, (control, treatment) in cases.items():
    r = mannwhitneyu(treatment, control, use_continuity=True,
                     alternative="two-sided", method="asymptotic")
    print("%s\t%.17g\t%.17g" % (name, r.statistic / (len(treatment) * len(control)), r.pvalue))
