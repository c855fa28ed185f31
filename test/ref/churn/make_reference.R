# Reference values for the churn-prediction tests, from R's survival package
# and base R.
#
#   cd test/ref/churn && Rscript make_reference.R
#
# Writes, next to this script:
#   cox_obs.csv     case, arm, time, status        (the input rows)
#   cox.csv         coxph(Surv(time, status) ~ arm, ties = ...) per case and ties
#   conditional.csv conditional churn probabilities from survfit per case and arm
#   retention_values.tsv, retention_hazard.csv
#                   retention counts of simulated units and their churn hazards
#   trend_obs.csv   case, cohort, completed, churned, value (rows of cohorts)
#   trend.csv       prop.trend.test and lm(value ~ cohort) per case and metric
#   score_obs.csv   case, predicted, churned (one row per scored unit)
#   score.csv, score_bins.csv
#                   AUC (wilcox.test), Brier score and calibration per case
#   strata_obs.csv  case, stratum, arm, time, status
#   strata.csv      survdiff(Surv(time, status) ~ arm + strata(stratum)) per case
# Numbers are printed with 17 significant digits; NA is an empty field.
suppressPackageStartupMessages(library(survival))

num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))

# ---------------------------------------------------------------------------
# Hazard ratios: Cox models with one binary covariate, control = 0
# ---------------------------------------------------------------------------
cases <- list()
add_case <- function(name, time, status, treated) {
    cases[[length(cases) + 1]] <<- data.frame(case = name,
        arm = ifelse(treated, "treatment", "control"), time = time, status = status,
        stringsAsFactors = FALSE)
}
add_case("lung", lung$time, as.integer(lung$status == 2), lung$sex == 2)
add_case("veteran", veteran$time, veteran$status, veteran$trt == 2)
co <- colon[colon$etype == 2 & colon$rx != "Lev", ]
add_case("colon", co$time, co$status, co$rx == "Lev+5FU")
co <- colon[colon$etype == 1 & colon$rx != "Lev+5FU", ]
add_case("colon_recurrence", co$time, co$status, co$rx == "Lev")
add_case("aml", aml$time, aml$status, aml$x == "Maintained")
set.seed(20261202)
# heavy ties: whole days 1..12, a third censored
n <- 400
t <- sample(1:12, n, replace = TRUE)
add_case("ties", t, rbinom(n, 1, 0.67), rep(c(FALSE, TRUE), length.out = n))
# mostly censored, fractional times, a strong effect
n <- 300
trt <- runif(n) < 0.4
ev <- rexp(n, ifelse(trt, 0.5, 1.2))
cen <- runif(n, 0, 1.5)
add_case("censored", round(pmin(ev, cen), 3), as.integer(ev <= cen), trt)
# thousands of tied events at each of four times (Efron's closed form)
n <- 12000
trt <- rep(c(FALSE, TRUE), length.out = n)
t <- sample(1:4, n, replace = TRUE, prob = c(0.3, 0.3, 0.2, 0.2))
add_case("many_ties", t, rbinom(n, 1, ifelse(trt, 0.72, 0.8)), trt)
# unequal arms, events at time zero
add_case("small", c(0, 0, 1, 2, 2, 3, 5, 8, 0, 1, 1, 4, 6, 6, 9),
         c(1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0),
         c(rep(FALSE, 8), rep(TRUE, 7)))

obs <- do.call(rbind, cases)
write.csv(data.frame(case = obs$case, arm = obs$arm, time = num(obs$time),
                     status = obs$status),
          "cox_obs.csv", row.names = FALSE, quote = FALSE)

# Iterated to convergence (the default eps = 1e-9 stops a few digits early);
# default_coef is what the default stopping rule gives.
ctl <- coxph.control(eps = 1e-14, iter.max = 100, toler.chol = 1e-15)
rows <- list()
for (cs in unique(obs$case)) {
    d <- obs[obs$case == cs, ]
    d$arm <- factor(d$arm, levels = c("control", "treatment"))
    for (ties in c("efron", "breslow")) {
        fit0 <- coxph(Surv(time, status) ~ arm, data = d, ties = ties, control = ctl)
        # the score test is at coef = 0 (the start); then one more Newton step from there (coxph always takes one from init):
        # the stopping rule on the log-likelihood can stop 1e-10 short
        fit <- coxph(Surv(time, status) ~ arm, data = d, ties = ties, control = ctl,
                     init = coef(fit0))
        s <- summary(fit, conf.int = 0.95)
        dflt <- coxph(Surv(time, status) ~ arm, data = d, ties = ties)
        rows[[length(rows) + 1]] <- data.frame(
            case = cs, ties = ties,
            coef = num(coef(fit)), std_err = num(sqrt(vcov(fit)[1, 1])),
            hazard_ratio = num(exp(coef(fit))),
            low = num(s$conf.int[1, "lower .95"]), high = num(s$conf.int[1, "upper .95"]),
            z = num(s$coefficients[1, "z"]), p_value = num(s$coefficients[1, "Pr(>|z|)"]),
            score_chisq = num(fit0$score), score_p = num(summary(fit0)$sctest[["pvalue"]]),
            default_coef = num(coef(dflt)))
    }
}
write.csv(do.call(rbind, rows), "cox.csv", row.names = FALSE, quote = FALSE)

# ---------------------------------------------------------------------------
# Conditional churn risk: 1 - S(tenure + horizon) / S(tenure) from survfit,
# the Greenwood variance of log S over (tenure, tenure + horizon] as the
# difference of summary()'s (std.err / surv)^2, and survfit's log interval
# ---------------------------------------------------------------------------
cond_rows <- list()
grid <- expand.grid(tenure = c(0, 5, 60, 100.5, 180, 365, 700),
                    horizon = c(0, 1, 30, 90, 365, 2000), level = c(0.95, 0.8))
for (cs in c("lung", "veteran", "ties", "censored", "small")) {
    for (g in c("control", "treatment")) {
        d <- obs[obs$case == cs & obs$arm == g, ]
        fit <- survfit(Surv(time, status) ~ 1, data = d)
        for (i in seq_len(nrow(grid))) {
            tn <- grid$tenure[i]; h <- grid$horizon[i]; lv <- grid$level[i]
            if (cs %in% c("censored", "small", "ties")) { tn <- tn / 100; h <- h / 100 }
            if (!any(d$time > tn)) {
                p <- NA; lo <- NA; hi <- NA
            } else {
                sm <- summary(fit, times = c(tn, tn + h), extend = TRUE)
                # summary() drops times before the first one in the data
                at <- function(x) { k <- which(sm$time == x); if (length(k)) k[1] else NA }
                s0 <- if (is.na(at(tn))) 1 else sm$surv[at(tn)]
                v0 <- if (is.na(at(tn))) 0 else (sm$std.err[at(tn)] / s0)^2
                s1 <- if (is.na(at(tn + h))) 1 else sm$surv[at(tn + h)]
                v1 <- if (is.na(at(tn + h))) 0 else (sm$std.err[at(tn + h)] / s1)^2
                cs_ <- s1 / s0
                z <- qnorm(1 - (1 - lv) / 2)
                p <- 1 - cs_
                if (cs_ > 0) {
                    se <- sqrt(max(v1 - v0, 0))
                    lo <- 1 - min(1, exp(log(cs_) + z * se)); hi <- 1 - exp(log(cs_) - z * se)
                } else { lo <- NA; hi <- NA }
            }
            cond_rows[[length(cond_rows) + 1]] <- data.frame(case = cs, arm = g,
                tenure = num(tn), horizon = num(h), level = lv,
                probability = num(p), low = num(lo), high = num(hi))
        }
    }
}
write.csv(do.call(rbind, cond_rows), "conditional.csv", row.names = FALSE, quote = FALSE)

# ---------------------------------------------------------------------------
# Retention hazards from units' activity: the share of the units whose last
# active period is k or later that were last active in k.  Every unit is
# eligible for every period, so on_or_after[k] counts the units whose last
# active period is k or later.  Written as retention text values.
# ---------------------------------------------------------------------------
haz_rows <- list()
ret_rows <- list()
for (cs in 1:4) {
    periods <- c(6, 10, 3, 8)[cs]
    units <- c(500, 2000, 7, 300)[cs]
    stay <- c(0.8, 0.6, 0.5, 0.95)[cs]
    active <- matrix(FALSE, units, periods)
    for (u in 1:units) {
        last <- min(periods - 1, rgeom(1, 1 - stay))
        active[u, 1] <- TRUE
        if (last > 0) active[u, 1 + last] <- TRUE
        if (last > 1) active[u, 2:last] <- runif(last - 1) < 0.7
    }
    last_active <- apply(active, 1, function(a) max(which(a)) - 1)
    on <- colSums(active)
    on_or_after <- sapply(0:(periods - 1), function(k) sum(last_active >= k))
    eligible <- rep(units, periods)
    h <- sapply(0:(periods - 1), function(k)
        if (k == periods - 1 || sum(last_active >= k) == 0) NA
        else sum(last_active == k) / sum(last_active >= k))
    ret_rows[[cs]] <- data.frame(case = cs, value = sprintf(
        "(version=1, unit=week, periods=%d, units=%d, on={%s}, on_or_after={%s}, eligible={%s})",
        periods, units, paste(on, collapse = ","), paste(on_or_after, collapse = ","),
        paste(eligible, collapse = ",")))
    haz_rows[[cs]] <- data.frame(case = cs, period = 0:(periods - 1), hazard = num(h))
}
write.table(do.call(rbind, ret_rows), "retention_values.tsv", sep = "\t",
            row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, haz_rows), "retention_hazard.csv", row.names = FALSE, quote = FALSE)

# ---------------------------------------------------------------------------
# Trends across ordered cohorts: prop.trend.test for completion and churn
# (slope: lm of the proportions on the score weighted by n), lm(value ~
# score) on the rows for values.  Rows with unknown outcomes or values are
# NA and left out, as cohort_agg leaves them out.
# ---------------------------------------------------------------------------
trend_obs <- list()
add_trend <- function(name, sizes, p_complete, p_churn, mu, unknown = 0.05) {
    for (i in seq_along(sizes)) {
        n <- sizes[i]
        if (n == 0) next
        completed <- ifelse(runif(n) < unknown, NA, runif(n) < p_complete[i])
        churned <- runif(n) < p_churn[i]
        value <- ifelse(runif(n) < unknown, NA, round(exp(rnorm(n, mu[i], 0.8)), 2))
        trend_obs[[length(trend_obs) + 1]] <<- data.frame(case = name, cohort = i,
            completed = completed, churned = churned, value = value)
    }
}
add_trend("weekly", c(800, 950, 700, 1200, 1000, 900, 1100, 600),
          seq(0.40, 0.47, length.out = 8), seq(0.14, 0.11, length.out = 8),
          seq(3.0, 3.1, length.out = 8))
add_trend("flat", rep(1500, 5), rep(0.3, 5), rep(0.2, 5), rep(2, 5))
add_trend("three", c(12, 15, 9), c(0.2, 0.5, 0.7), c(0.5, 0.3, 0.4), c(1, 1.5, 1.2), 0)
add_trend("gap", c(300, 0, 250, 400), c(0.5, 0, 0.45, 0.42), c(0.1, 0, 0.2, 0.25),
          c(2, 0, 2.2, 2.1))
tobs <- do.call(rbind, trend_obs)
write.csv(data.frame(case = tobs$case, cohort = tobs$cohort,
                     completed = ifelse(is.na(tobs$completed), "", tobs$completed),
                     churned = tobs$churned, value = num(tobs$value)),
          "trend_obs.csv", row.names = FALSE, quote = FALSE)
trend_rows <- list()
for (cs in unique(tobs$case)) {
    d <- tobs[tobs$case == cs, ]
    k <- max(d$cohort)
    for (metric in c("completion", "churn")) {
        y <- if (metric == "completion") d$completed else d$churned
        n <- sapply(1:k, function(i) sum(!is.na(y[d$cohort == i])))
        x <- sapply(1:k, function(i) sum(y[d$cohort == i], na.rm = TRUE))
        pt <- suppressWarnings(prop.trend.test(x, n))
        slope <- coef(lm(f ~ s, data = data.frame(f = x / n, s = 1:k), weights = n))[["s"]]
        trend_rows[[length(trend_rows) + 1]] <- data.frame(case = cs, metric = metric,
            slope = num(slope), statistic = num(pt$statistic), p_value = num(pt$p.value))
    }
    fit <- summary(lm(value ~ cohort, data = d))
    trend_rows[[length(trend_rows) + 1]] <- data.frame(case = cs, metric = "value",
        slope = num(fit$coefficients["cohort", "Estimate"]),
        statistic = num(fit$coefficients["cohort", "t value"]),
        p_value = num(fit$coefficients["cohort", "Pr(>|t|)"]))
}
write.csv(do.call(rbind, trend_rows), "trend.csv", row.names = FALSE, quote = FALSE)

# ---------------------------------------------------------------------------
# Scores of churn predictions: AUC from wilcox.test's W (churners against
# stayers), Brier score as the mean squared error, and per tenth of the
# probability scale ([k/10, (k+1)/10), the last one closed) the units, mean
# prediction and observed churn.
# ---------------------------------------------------------------------------
pred <- list()
add_pred <- function(name, p, y) {
    pred[[length(pred) + 1]] <<- data.frame(case = name, predicted = p, churned = y)
}
p <- round(plogis(rnorm(3000, -1.2, 1)), 2)
add_pred("rounded", p, runif(3000) < p * 1.1)
p <- runif(2000)^2
add_pred("continuous", p, runif(2000) < 0.05 + 0.8 * p)
add_pred("edges", c(0, 0, 0.1, 0.1, 0.2, 0.3, 0.3, 0.7, 0.9, 1, 1, 0.99999, 0.5, 0.5),
         c(FALSE, TRUE, FALSE, TRUE, TRUE, FALSE, FALSE, TRUE, TRUE, TRUE, FALSE, TRUE, FALSE, TRUE))
add_pred("small", c(0.8, 0.2, 0.6, 0.4, 0.6, 0.1), c(TRUE, FALSE, FALSE, TRUE, TRUE, FALSE))
pobs <- do.call(rbind, pred)
write.csv(data.frame(case = pobs$case, predicted = num(pobs$predicted), churned = pobs$churned),
          "score_obs.csv", row.names = FALSE, quote = FALSE)
score_rows <- list()
bin_rows <- list()
for (cs in unique(pobs$case)) {
    d <- pobs[pobs$case == cs, ]
    w <- wilcox.test(d$predicted[d$churned], d$predicted[!d$churned], exact = FALSE)$statistic
    score_rows[[length(score_rows) + 1]] <- data.frame(case = cs, n = nrow(d),
        auc = num(w / (sum(d$churned) * sum(!d$churned))),
        brier = num(mean((d$predicted - d$churned)^2)))
    bin <- cut(d$predicted, breaks = (0:10) / 10, right = FALSE, include.lowest = TRUE,
               labels = FALSE)
    for (b in sort(unique(bin))) {
        bin_rows[[length(bin_rows) + 1]] <- data.frame(case = cs, bin_from = num((b - 1) / 10),
            n = sum(bin == b), predicted = num(mean(d$predicted[bin == b])),
            observed = num(mean(d$churned[bin == b])))
    }
}
write.csv(do.call(rbind, score_rows), "score.csv", row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, bin_rows), "score_bins.csv", row.names = FALSE, quote = FALSE)

# ---------------------------------------------------------------------------
# Stratified log-rank tests: survdiff(Surv(time, status) ~ arm + strata(x))
# ---------------------------------------------------------------------------
strata_obs <- list()
add_strata <- function(name, time, status, treated, stratum) {
    keep <- !is.na(stratum)
    strata_obs[[length(strata_obs) + 1]] <<- data.frame(case = name,
        stratum = as.character(stratum[keep]),
        arm = ifelse(treated[keep], "treatment", "control"),
        time = time[keep], status = status[keep], stringsAsFactors = FALSE)
}
add_strata("lung_ecog", lung$time, as.integer(lung$status == 2), lung$sex == 2, lung$ph.ecog)
add_strata("veteran_celltype", veteran$time, veteran$status, veteran$trt == 2, veteran$celltype)
co <- colon[colon$etype == 2 & colon$rx != "Lev", ]
add_strata("colon_nodes", co$time, co$status, co$rx == "Lev+5FU", co$node4)
add_strata("aml_one", aml$time, aml$status, aml$x == "Maintained", rep("all", nrow(aml)))
# a stratum with one arm only, and one without events
add_strata("uneven", c(1, 2, 3, 4, 5, 2, 3, 6, 1, 4, 7, 8, 9),
           c(1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1),
           c(FALSE, FALSE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, FALSE, TRUE, FALSE, FALSE, TRUE),
           c("x", "x", "x", "x", "x", "y", "y", "y", "z", "z", "w", "w", "w"))
sobs <- do.call(rbind, strata_obs)
write.csv(data.frame(case = sobs$case, stratum = sobs$stratum, arm = sobs$arm,
                     time = num(sobs$time), status = sobs$status),
          "strata_obs.csv", row.names = FALSE, quote = FALSE)
strata_rows <- list()
for (cs in unique(sobs$case)) {
    d <- sobs[sobs$case == cs, ]
    d$arm <- factor(d$arm, levels = c("control", "treatment"))
    sd <- if (length(unique(d$stratum)) > 1)
        survdiff(Surv(time, status) ~ arm + strata(stratum), data = d)
    else survdiff(Surv(time, status) ~ arm, data = d)
    e <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
    df <- sum(e > 0) - 1
    strata_rows[[length(strata_rows) + 1]] <- data.frame(case = cs,
        strata = length(unique(d$stratum)), chisq = num(sd$chisq), df = df,
        p_value = num(pchisq(sd$chisq, df, lower.tail = FALSE)))
}
write.csv(do.call(rbind, strata_rows), "strata.csv", row.names = FALSE, quote = FALSE)

cat(sprintf("survival %s, %s\n", packageVersion("survival"), R.version.string),
    file = "VERSION")
