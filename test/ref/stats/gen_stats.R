# Reference values of the statistics functions, from R's stats package.
#
#   cd test/ref/stats && Rscript gen_stats.R
#
# Writes the CSV files next to this script; test/sql/stats_*.sql loads them
# with \copy (pg_regress runs psql from the repository root), so the tests
# need no R at run time.  Doubles are written with 17 significant digits.

options(digits = 17)
w <- function(df, file) write.csv(df, file, row.names = FALSE, quote = FALSE)
fmt <- function(df) { for (n in names(df)) if (is.double(df[[n]])) df[[n]] <- sprintf("%.17g", df[[n]]); df }

# --- two-proportion z-test: prop.test(correct = FALSE), treatment first ---
props <- data.frame(
    id = 1:10,
    xc = c(1396, 14, 207480, 207480, 60000, 120, 5, 0, 30, 999),
    nc = c(3000, 28, 494100, 494100, 494100, 1000, 50, 40, 100, 1000),
    xt = c(2422, 16, 2620, 2620, 558, 150, 9, 3, 30, 1000),
    nt = c(3461, 30, 5900, 5900, 5900, 1000, 40, 40, 100, 1000),
    alpha = c(0.05, 0.05, 0.05, 0.01, 0.05, 0.1, 0.05, 0.05, 0.05, 0.05),
    alternative = c("two.sided", "two.sided", "two.sided", "greater", "less",
                    "two.sided", "greater", "two.sided", "two.sided", "two.sided"))
res <- lapply(seq_len(nrow(props)), function(i) {
    r <- props[i, ]
    t <- suppressWarnings(prop.test(c(r$xt, r$xc), c(r$nt, r$nc), correct = FALSE,
                                    alternative = r$alternative, conf.level = 1 - r$alpha))
    pc <- r$xc / r$nc; pt <- r$xt / r$nt
    z <- sign(pt - pc) * sqrt(unname(t$statistic))
    # relative lift, delta method, normal reference
    crit <- if (r$alternative == "two.sided") qnorm(1 - r$alpha / 2) else qnorm(1 - r$alpha)
    rl <- (pt - pc) / abs(pc)
    se <- sqrt(pt * (1 - pt) / (r$nt * pc^2) + pc * (1 - pc) * pt^2 / (r$nc * pc^4))
    data.frame(diff = pt - pc, low = t$conf.int[1], high = t$conf.int[2], z = z,
               p = t$p.value, rl = rl,
               rl_low = if (r$alternative == "less") -Inf else rl - crit * se,
               rl_high = if (r$alternative == "greater") Inf else rl + crit * se)
})
props$alternative <- sub("two.sided", "two-sided", props$alternative)
w(fmt(cbind(props, do.call(rbind, res))), "compare_prop.csv")

# --- Welch and CUPED: raw rows per case, and t.test on them ---
set.seed(20261129)
cases <- list(
    list(nc = 40, nt = 35, mc = 10, mt = 11, sc = 3, st = 5, rho = 0.7),
    list(nc = 400, nt = 25, mc = 20, mt = 23, sc = 6, st = 2, rho = 0.3),
    list(nc = 3000, nt = 60, mc = 30, mt = 31.8, sc = 25, st = 25, rho = 0.8),
    list(nc = 12, nt = 9, mc = -5, mt = -4, sc = 1, st = 1.5, rho = -0.5),
    list(nc = 200, nt = 200, mc = 1e6, mt = 1e6 + 0.3, sc = 1, st = 1, rho = 0.9))
rows <- NULL
vals <- NULL
for (id in seq_along(cases)) {
    k <- cases[[id]]
    xc <- rnorm(k$nc, 50, 10); xt <- rnorm(k$nt, 50, 10)
    yc <- round(k$mc + k$sc * (k$rho * (xc - 50) / 10 + sqrt(1 - k$rho^2) * rnorm(k$nc)), 4)
    yt <- round(k$mt + k$st * (k$rho * (xt - 50) / 10 + sqrt(1 - k$rho^2) * rnorm(k$nt)), 4)
    xc <- round(xc, 3); xt <- round(xt, 3)
    rows <- rbind(rows, data.frame(id = id, arm = c(rep("control", k$nc), rep("treatment", k$nt)),
                                   value = c(yc, yt), covariate = c(xc, xt)))
    x <- c(xc, xt)
    theta <- cov(c(yc, yt), x) / var(x)
    ac <- yc - theta * (xc - mean(x)); at <- yt - theta * (xt - mean(x))
    for (alt in c("two.sided", "greater", "less")) for (alpha in c(0.05, 0.2)) {
        for (metric in c("value", "value_cuped")) {
            a <- if (metric == "value") yc else ac
            b <- if (metric == "value") yt else at
            t <- t.test(b, a, alternative = alt, conf.level = 1 - alpha)
            ma <- mean(a); mb <- mean(b)
            crit <- qt(if (alt == "two.sided") 1 - alpha / 2 else 1 - alpha, t$parameter)
            rl <- (mb - ma) / abs(ma)
            se <- sqrt(var(b) / (length(b) * ma^2) + var(a) * mb^2 / (length(a) * ma^4))
            vals <- rbind(vals, data.frame(
                id = id, metric = metric, alpha = alpha, alternative = sub("two.sided", "two-sided", alt),
                est_c = ma, est_t = mb, diff = mb - ma, low = t$conf.int[1], high = t$conf.int[2],
                t = unname(t$statistic), df = unname(t$parameter), p = t$p.value, rl = rl,
                rl_low = if (alt == "less") -Inf else rl - crit * se,
                rl_high = if (alt == "greater") Inf else rl + crit * se))
        }
    }
}
w(fmt(rows), "compare_value_rows.csv")
w(fmt(vals), "compare_value.csv")

# --- rate intervals: binom.test (Clopper-Pearson), prop.test (Wilson),
#     qbeta (Jeffreys) and the Agresti-Coull formula ---
g <- expand.grid(x = c(0, 1, 7, 50, 99, 100), n = c(100), level = c(0.95, 0.99))
g <- rbind(g, expand.grid(x = c(0, 3, 2620, 5900), n = 5900, level = c(0.9, 0.95)),
           data.frame(x = c(1, 207480), n = c(494100, 494100), level = 0.95))
ci <- do.call(rbind, lapply(seq_len(nrow(g)), function(i) {
    x <- g$x[i]; n <- g$n[i]; lv <- g$level[i]; a <- 1 - lv; z <- qnorm(1 - a / 2)
    wil <- suppressWarnings(prop.test(x, n, correct = FALSE, conf.level = lv))$conf.int
    cp <- binom.test(x, n, conf.level = lv)$conf.int
    nt <- n + z^2; pt <- (x + z^2 / 2) / nt; h <- z * sqrt(pt * (1 - pt) / nt)
    jl <- if (x == 0) 0 else qbeta(a / 2, x + 0.5, n - x + 0.5)
    ju <- if (x == n) 1 else qbeta(1 - a / 2, x + 0.5, n - x + 0.5)
    data.frame(wilson_low = wil[1], wilson_high = wil[2], cp_low = cp[1], cp_high = cp[2],
               ac_low = max(0, pt - h), ac_high = min(1, pt + h), jeffreys_low = jl, jeffreys_high = ju)
}))
w(fmt(cbind(g, ci)), "rate_ci.csv")

# --- sample ratio mismatch: chisq.test(x, p = ...) ---
srm <- list(list(c(494100, 5900), c(0.99, 0.01)), list(c(495000, 5000), c(0.99, 0.01)),
            list(c(45210, 4790), c(0.9, 0.1)), list(c(100, 120, 80), c(0.3, 0.4, 0.3)),
            list(c(1, 0), c(0.5, 0.5)), list(c(250000, 250000, 1), c(0.25, 0.5, 0.25)))
sr <- do.call(rbind, lapply(srm, function(s) {
    t <- suppressWarnings(chisq.test(s[[1]], p = s[[2]]))
    data.frame(observed = paste0("{", paste(s[[1]], collapse = ";"), "}"),
               share = paste0("{", paste(s[[2]], collapse = ";"), "}"),
               statistic = unname(t$statistic), p = t$p.value)
}))
w(fmt(sr), "srm.csv")

# --- p.adjust ---
p <- c(0.01, 0.02, 0.03, 0.04, 0.05, 0.5, 1e-10, 0.02, NA, 0.9)
pa <- data.frame(method = c("holm", "hochberg", "bonferroni", "BH", "BY"))
pa$adjusted <- sapply(pa$method, function(m)
    paste0("{", paste(ifelse(is.na(p.adjust(p, m)), "NULL", sprintf("%.17g", p.adjust(p, m))), collapse = ";"), "}"))
w(pa, "p_adjust.csv")

# --- power.prop.test, solved to a tight tolerance ---
ss <- expand.grid(p1 = c(0.42, 0.12, 0.5, 0.01), p2 = c(0.4494, 0.1164, 0.55, 0.011),
                  alpha = c(0.05, 0.01), power = c(0.8, 0.9))
ss <- ss[ss$p1 != ss$p2, ]
ss$n <- mapply(function(a, b, s, pw) power.prop.test(p1 = a, p2 = b, sig.level = s, power = pw,
                                                    tol = 1e-14)$n, ss$p1, ss$p2, ss$alpha, ss$power)
w(fmt(ss), "sample_size.csv")

# --- chance to beat: numerical integration of the Beta posteriors ---
ctb <- data.frame(xc = c(14, 1396, 207480, 60000, 3, 0, 50),
                  nc = c(28, 3000, 494100, 494100, 10, 0, 100),
                  xt = c(16, 2422, 2620, 558, 3, 0, 60),
                  nt = c(30, 3461, 5900, 5900, 10, 0, 100))
ctb$p <- mapply(function(xc, nc, xt, nt) {
    a1 <- 1 + xc; b1 <- 1 + nc - xc; a2 <- 1 + xt; b2 <- 1 + nt - xt
    f <- function(p) dbeta(p, a2, b2) * pbeta(p, a1, b1)
    lo <- qbeta(1e-15, a2, b2); hi <- qbeta(1e-15, a2, b2, lower.tail = FALSE)
    brk <- seq(lo, hi, length.out = 41)
    sum(sapply(1:40, function(j) integrate(f, brk[j], brk[j + 1], rel.tol = 1e-13, abs.tol = 0)$value))
}, ctb$xc, ctb$nc, ctb$xt, ctb$nt)
w(fmt(ctb), "chance_to_beat.csv")
