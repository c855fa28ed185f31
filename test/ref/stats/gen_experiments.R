# Reference values of the experiment-analysis functions (power, p.adjust
# methods hommel and none, one-sided sequential tests), from R's stats
# package.
#
#   cd test/ref/stats && Rscript gen_experiments.R
#
# Writes CSV files next to this script; test/sql/experiments_*.sql loads
# them with \copy.  Doubles are written with 17 significant digits.

options(digits = 17)
w <- function(df, file) write.csv(df, file, row.names = FALSE, quote = FALSE)
fmt <- function(df) { for (n in names(df)) if (is.double(df[[n]])) df[[n]] <- sprintf("%.17g", df[[n]]); df }
arr <- function(v) paste0("{", paste(ifelse(is.na(v), "NULL", sprintf("%.17g", v)), collapse = ";"), "}")

# --- p.adjust: hommel and none, on several vectors (NA stays NA) ---
vecs <- list(c(0.01, 0.02, 0.03, 0.04, 0.05, 0.5, 1e-10, 0.02, NA, 0.9),
             c(0.01, 0.04, 0.03, 0.005), c(0.04, 0.01), c(0.3),
             c(0.001, 0.011, 0.02, 0.021, 0.04, 0.05, 0.3, 0.31, 0.6, 0.61, 0.9, 1),
             c(0.05, 0.05, 0.05, 0.05, 0.05), c(1e-300, 0.2, 0.7, 1e-12, 0.049))
pa <- do.call(rbind, lapply(seq_along(vecs), function(i) do.call(rbind, lapply(c("hommel", "none"), function(m)
    data.frame(id = i, method = m, p = arr(vecs[[i]]), adjusted = arr(p.adjust(vecs[[i]], m)))))))
w(pa, "p_adjust_more.csv")

# --- power.prop.test solved for power and for p2 ---
pw <- expand.grid(n = c(50, 1000, 12345.5, 5e5), p1 = c(0.02, 0.4, 0.9), d = c(0.001, 0.03, 0.08),
                  alpha = c(0.05, 0.01))
pw <- pw[pw$p1 + pw$d < 1, ]
pw$p2 <- pw$p1 + pw$d
pw$power <- mapply(function(n, a, b, s) power.prop.test(n = n, p1 = a, p2 = b, sig.level = s)$power,
                   pw$n, pw$p1, pw$p2, pw$alpha)
w(fmt(pw[, c("n", "p1", "p2", "alpha", "power")]), "power_prop.csv")
mde <- expand.grid(n = c(200, 3000, 494100), p1 = c(0.05, 0.42, 0.9), alpha = c(0.05, 0.01),
                   power = c(0.8, 0.9))
mde$p2 <- mapply(function(n, a, s, pw) power.prop.test(n = n, p1 = a, sig.level = s, power = pw,
                                                       tol = 1e-15)$p2,
                 mde$n, mde$p1, mde$alpha, mde$power)
w(fmt(mde), "mde_prop.csv")

# --- means, normal approximation: the root of the power equation
#     pnorm(mde / (sd sqrt((1 + 1/ratio) / n)) - qnorm(1 - alpha/2)) = power,
#     found by uniroot (n) and for mde ---
mm <- expand.grid(sd = c(1, 6.4, 250), mde = c(0.05, 1.5), alpha = c(0.05, 0.1),
                  power = c(0.8, 0.95), ratio = c(1, 0.25, 3))
pow_means <- function(n, sd, mde, alpha, ratio)
    pnorm(mde / (sd * sqrt((1 + 1 / ratio) / n)) - qnorm(alpha / 2, lower.tail = FALSE))
mm$n <- mapply(function(sd, d, a, p, r) {
    f <- function(ln) pow_means(exp(ln), sd, d, a, r) - p
    exp(uniroot(f, c(-20, 40), tol = 1e-15)$root)
}, mm$sd, mm$mde, mm$alpha, mm$power, mm$ratio)
mm$mde_at_n <- mapply(function(sd, a, p, r, n) {
    f <- function(d) pow_means(n, sd, d, a, r) - p
    uniroot(f, c(0, 100 * sd), tol = 1e-15)$root
}, mm$sd, mm$alpha, mm$power, mm$ratio, round(mm$n))
mm$n_rounded <- round(mm$n)
w(fmt(mm), "power_means.csv")

# --- one-sided asymptotic confidence sequences (GrowthBook's
#     SequentialOneSidedTreatment{Greater,Lesser}TTest): rho from 2 alpha,
#     half-width se sqrt(N) sqrt(2 (N rho^2 + 1) / (N rho)^2
#     log(1 + sqrt(N rho^2 + 1) / (2 alpha))); the p-value is the alpha at
#     which the bound reaches zero, found here by uniroot on alpha with rho
#     held at its design value ---
sq <- data.frame(xc = c(1396, 300, 300, 5000, 1000, 1000, 300, 5000, 2422),
                 nc = c(3000, 1000, 1000, 10000, 2000, 2000, 1000, 10000, 3461),
                 xt = c(2422, 330, 270, 5090, 1000, 1100, 365, 5200, 1396),
                 nt = c(3461, 1000, 1000, 10000, 2000, 2000, 1000, 10000, 3000),
                 alpha = c(0.05, 0.05, 0.1, 0.01, 0.05, 0.05, 0.1, 0.01, 0.05),
                 tuning = c(5000, 500, 2000, 5000, 5000, 4000, 2000, 20000, 5000))
sq <- rbind(transform(sq, alternative = "greater"), transform(sq, alternative = "less"))
res <- lapply(seq_len(nrow(sq)), function(i) {
    r <- sq[i, ]
    pc <- r$xc / r$nc; pt <- r$xt / r$nt; N <- r$nc + r$nt
    se <- sqrt(pc * (1 - pc) / r$nc + pt * (1 - pt) / r$nt)
    rho2 <- function(a) { l <- -2 * log(2 * a); (l + log(l + 1)) / r$tuning }
    half <- function(a, rr) se * sqrt(N) * sqrt(2 * (N * rr + 1) / (N^2 * rr) * log(1 + sqrt(N * rr + 1) / (2 * a)))
    rr <- rho2(r$alpha)
    h <- half(r$alpha, rr)
    d <- pt - pc
    g <- if (r$alternative == "greater") function(a) d - half(a, rr) else function(a) -d - half(a, rr)
    p <- if (g(1e6) <= 0) 1 else if (g(1e-300) >= 0) 0 else
        exp(uniroot(function(la) g(exp(la)), c(log(1e-300), log(1e6)), tol = 1e-14)$root)
    data.frame(diff = d, low = if (r$alternative == "greater") d - h else -Inf,
               high = if (r$alternative == "less") d + h else Inf, p = min(1, p))
})
w(fmt(cbind(sq, do.call(rbind, res))), "sequential_onesided.csv")

# --- segments: per-segment two-proportion differences with their unpooled
#     standard errors, and Cochran's Q computed by hand (metafor's
#     rma(method = "FE") is not packaged for Debian) ---
seg <- data.frame(
    case = c(1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4),
    segment = c("android", "ios", "web", "tablet", "new", "returning", "lapsed",
                "s1", "s2", "s3", "s4", "s5", "a", "b"),
    xc = c(420, 610, 300, 45, 1396, 880, 120, 50, 52, 48, 51, 49, 207480, 2620),
    nc = c(1000, 1400, 800, 100, 3000, 2000, 400, 100, 100, 100, 100, 100, 494100, 5900),
    xt = c(470, 640, 330, 40, 2422, 1010, 150, 55, 51, 47, 53, 50, 208100, 2900),
    nt = c(1000, 1400, 800, 100, 3461, 2000, 400, 100, 100, 100, 100, 100, 494100, 5900))
seg$diff <- seg$xt / seg$nt - seg$xc / seg$nc
seg$se <- with(seg, sqrt((xt / nt) * (1 - xt / nt) / nt + (xc / nc) * (1 - xc / nc) / nc))
het <- do.call(rbind, lapply(split(seg, seg$case), function(s) {
    w <- 1 / s$se^2
    pooled <- sum(w * s$diff) / sum(w)
    q <- sum(w * (s$diff - pooled)^2)
    df <- nrow(s) - 1
    data.frame(case = s$case[1], q = q, df = df, p = pchisq(q, df, lower.tail = FALSE),
               i2 = max(0, (q - df) / q), pooled = pooled, pooled_se = sqrt(1 / sum(w)))
}))
w(fmt(seg), "segments.csv")
w(fmt(het), "heterogeneity.csv")

# --- the standard error of the difference of means: t.test(...)$stderr on
#     the rows of compare_value_rows.csv ---
rows <- read.csv("compare_value_rows.csv")
se_t <- do.call(rbind, lapply(split(rows, rows$id), function(r)
    data.frame(id = r$id[1], std_error = t.test(r$value[r$arm == "treatment"],
                                                 r$value[r$arm == "control"])$stderr)))
w(fmt(se_t), "value_std_error.csv")

# --- several arms against one control: prop.test per arm, p.adjust across
#     the arms ---
arms <- data.frame(case = c(1, 1, 1, 1, 2, 2, 2, 3, 3),
                   arm = c("control", "fast", "slow", "hints", "control", "b", "c", "control", "t"),
                   x = c(600, 660, 590, 650, 1396, 2422, 1450, 30, 45),
                   n = c(2000, 2000, 2000, 2000, 3000, 3461, 3000, 100, 100))
ar <- do.call(rbind, lapply(split(arms, arms$case), function(a) {
    ctl <- a[a$arm == "control", ]
    tr <- a[a$arm != "control", ]
    p <- sapply(seq_len(nrow(tr)), function(i)
        suppressWarnings(prop.test(c(tr$x[i], ctl$x), c(tr$n[i], ctl$n), correct = FALSE))$p.value)
    do.call(rbind, lapply(c("holm", "hommel", "BH", "none"), function(m)
        data.frame(case = a$case[1], arm = tr$arm, method = m, p = p, adjusted = p.adjust(p, m))))
}))
w(fmt(arms), "arms_counts.csv")
w(fmt(ar), "arms.csv")

# --- ratio metrics, the delta method: per-unit numerators y and
#     denominators x; the ratio R = sum y / sum x of each arm behaves like
#     the mean of the linearised values (y - R x) / mean(x), so t.test on
#     those gives the standard error and Welch's degrees of freedom of the
#     difference of ratios; p-value and interval from pt / qt ---
set.seed(20261202)
rcases <- list(list(nc = 400, nt = 380, lc = 3, lt = 3.2, vc = 2.0, vt = 2.3),
               list(nc = 60, nt = 75, lc = 1.2, lt = 1.1, vc = 10, vt = 9),
               list(nc = 2000, nt = 2100, lc = 8, lt = 8, vc = 0.5, vt = 0.52))
rrows <- NULL
rres <- NULL
for (id in seq_along(rcases)) {
    k <- rcases[[id]]
    xc <- rpois(k$nc, k$lc); xt <- rpois(k$nt, k$lt)
    yc <- round(xc * k$vc * rexp(k$nc), 2); yt <- round(xt * k$vt * rexp(k$nt), 2)
    rrows <- rbind(rrows, data.frame(id = id, arm = c(rep("control", k$nc), rep("treatment", k$nt)),
                                     value = c(yc, yt), covariate = c(xc, xt)))
    rc <- sum(yc) / sum(xc); rt <- sum(yt) / sum(xt)
    zc <- (yc - rc * xc) / mean(xc); zt <- (yt - rt * xt) / mean(xt)
    tt <- t.test(zt, zc)
    se <- tt$stderr; df <- unname(tt$parameter)
    d <- rt - rc
    for (alpha in c(0.05, 0.1)) {
        crit <- qt(1 - alpha / 2, df)
        se_rel <- sqrt(var(zt) / (k$nt * rc^2) + var(zc) * rt^2 / (k$nc * rc^4))
        rres <- rbind(rres, data.frame(id = id, alpha = alpha, ratio_c = rc, ratio_t = rt, diff = d,
                                       low = d - crit * se, high = d + crit * se, se = se, df = df,
                                       t = d / se, p = 2 * pt(-abs(d / se), df), rl = d / rc,
                                       rl_low = d / rc - crit * se_rel, rl_high = d / rc + crit * se_rel))
    }
}
w(fmt(rrows), "ratio_rows.csv")
w(fmt(rres), "ratio.csv")

# --- Bayesian expected loss under Beta(1 + yes, 1 + no) posteriors:
#     E[max(X_C - X_T, 0)] = integral of f_T(t) g(t) dt with
#     g(t) = integral_t^1 P(X_C > x) dx, both by integrate (positive
#     integrands, no cancellation); the other decision symmetrically ---
loss_beta <- function(aA, bA, aB, bB) {
    # E[max(X_A - X_B, 0)]
    g <- function(t) sapply(t, function(s) integrate(function(x) pbeta(x, aA, bA, lower.tail = FALSE),
                                                      s, 1, rel.tol = 1e-12, abs.tol = 0)$value)
    # X_B's range up to tails of 1e-40, where the product cannot matter
    lo <- qbeta(1e-40, aB, bB); hi <- qbeta(1e-40, aB, bB, lower.tail = FALSE)
    brk <- seq(lo, hi, length.out = 41)
    sum(sapply(1:40, function(j) integrate(function(t) dbeta(t, aB, bB) * g(t), brk[j], brk[j + 1],
                                           rel.tol = 1e-12, abs.tol = 0)$value))
}
el <- data.frame(xc = c(14, 1396, 50, 3, 0, 120, 400), nc = c(28, 3000, 100, 10, 0, 1000, 1000),
                 xt = c(16, 1450, 60, 3, 0, 100, 520), nt = c(30, 3000, 100, 10, 0, 1000, 1000))
el$choose_treatment <- mapply(function(xc, nc, xt, nt) loss_beta(1 + xc, 1 + nc - xc, 1 + xt, 1 + nt - xt),
                              el$xc, el$nc, el$xt, el$nt)
el$choose_control <- mapply(function(xc, nc, xt, nt) loss_beta(1 + xt, 1 + nt - xt, 1 + xc, 1 + nc - xc),
                            el$xc, el$nc, el$xt, el$nt)
w(fmt(el), "expected_loss.csv")
# normal posterior of a difference d with standard error s:
# E[max(-D, 0)] = s * integral_{-Inf}^{-d/s} pnorm(u) du
en <- data.frame(d = c(0.29, -1.5, 0, 3e-3, 40, -40, 1e-300), s = c(0.12, 0.4, 2, 1e-3, 2, 2, 1))
en$choose_treatment <- mapply(function(d, s) s * integrate(pnorm, -Inf, -d / s, rel.tol = 1e-13, abs.tol = 0)$value,
                              en$d, en$s)
en$choose_control <- mapply(function(d, s) s * integrate(pnorm, -Inf, d / s, rel.tol = 1e-13, abs.tol = 0)$value,
                            en$d, en$s)
w(fmt(en), "expected_loss_normal.csv")

# --- Kolmogorov-Smirnov test of uniformity (A/A reports): ks.test(p,
#     "punif") for n >= 100 uses the asymptotic Kolmogorov distribution,
#     summed by R to 1e-6; p_precise sums the same series to the last bit ---
kolm_upper <- function(x) {
    if (x < 1) {
        k <- 1:50
        1 - sqrt(2 * pi) / x * sum(exp(-(2 * k - 1)^2 * pi^2 / (8 * x^2)))
    } else {
        k <- 1:50
        min(1, 2 * sum((-1)^(k - 1) * exp(-2 * k^2 * x^2)))
    }
}
set.seed(20261203)
ksv <- list(runif(200), rbeta(150, 0.8, 1), runif(1000)^1.15, runif(100), pmin(1, runif(300) * 1.08),
            rbeta(200, 1, 1.6), (1:400 - 0.5) / 400)
ks <- do.call(rbind, lapply(seq_along(ksv), function(i) {
    v <- ksv[[i]]
    t <- suppressWarnings(ks.test(v, "punif"))
    d <- unname(t$statistic)
    data.frame(id = i, n = length(v), d = d, p_r = t$p.value, p_precise = kolm_upper(sqrt(length(v)) * d),
               values = paste(sprintf("%.17g", v), collapse = ";"))
}))
w(fmt(ks), "ks_uniform.csv")

# --- conditioning of the streaming moments: values 1 +- 1e-12 (|mean| / sd
#     near 1e12), whose variance a one-pass update about the running mean
#     gets wrong in the fourth digit.  The rows come from here; the exact
#     reference values from gen_conditioning.py (rational arithmetic: R's
#     two-pass var is itself 2e-9 off on these data), R's own for comparison
#     in conditioning_r.csv ---
set.seed(20261204)
cond <- list(list(nc = 500, nt = 450, mc = 1, mt = 1 + 2e-13, s = 1e-12, x = 1e6, sx = 1e-4),
             list(nc = 2000, nt = 2000, mc = -3e5, mt = -3e5 + 1e-7, s = 1e-6, x = 7, sx = 1e-9),
             list(nc = 300, nt = 320, mc = 1e-3, mt = 1e-3, s = 1e-15, x = 1, sx = 1e-12))
crow <- NULL; cres <- NULL
for (id in seq_along(cond)) {
    k <- cond[[id]]
    yc <- k$mc + k$s * rnorm(k$nc); yt <- k$mt + k$s * rnorm(k$nt)
    xc <- k$x + k$sx * rnorm(k$nc); xt <- k$x + k$sx * rnorm(k$nt)
    crow <- rbind(crow, data.frame(id = id, arm = c(rep("control", k$nc), rep("treatment", k$nt)),
                                   value = c(yc, yt), covariate = c(xc, xt)))
    t <- t.test(yt, yc)
    cres <- rbind(cres, data.frame(id = id, var_c = var(yc), var_t = var(yt), cov_c = cov(yc, xc),
                                   var_xc = var(xc), diff = mean(yt) - mean(yc), se = t$stderr,
                                   t = unname(t$statistic), df = unname(t$parameter), p = t$p.value))
}
w(fmt(crow), "conditioning_rows.csv")
w(fmt(cres), "conditioning_r.csv")
