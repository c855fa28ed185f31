# Reference values for compare_distributions (test/sql/sketch_compare.sql):
# the Mann-Whitney test with the normal approximation, tie correction and
# continuity correction, as R's wilcox.test computes it.
#
#   Rscript test/ref/sketch_mwu.R > test/ref/sketch_mwu.out
#
# The data are integers, so with relative accuracy 0.001 every distinct
# value has a bucket of its own and the sketch's test equals the raw one.
cases <- list(
  small = list(
    control = c(12, 15, 15, 18, 20, 22, 22, 22, 25, 30, 31, 40),
    treatment = c(14, 18, 22, 26, 26, 27, 33, 35, 41, 45)),
  modular = list(
    control = (seq_len(200) * 37) %% 101 + 1,
    treatment = (seq_len(150) * 53) %% 97 + 10),
  shifted = list(
    control = (seq_len(300) * 7) %% 50 + 20,
    treatment = (seq_len(300) * 11) %% 50 + 24))
cat("case\tprob_treatment_greater\tp_value\n")
for (name in names(cases)) {
  x <- cases[[name]]
  r <- suppressWarnings(wilcox.test(x$treatment, x$control, exact = FALSE, correct = TRUE))
  cat(sprintf("%s\t%.17g\t%.17g\n", name,
              r$statistic / (length(x$treatment) * length(x$control)), r$p.value))
}
