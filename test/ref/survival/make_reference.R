# Reference values for the survival tests, from R's survival package.
#
#   cd test/ref/survival && Rscript make_reference.R
#
# Writes, next to this script:
#   observations.csv  case, grp, time, churned   (the input rows)
#   curves.csv        survfit per case and group, every distinct time
#   medians.csv       median survival per case and group (print.survfit)
#   logrank.csv       survdiff (rho = 0) of the two groups of a case
# Numbers are printed with 17 significant digits; NA is an empty field.
suppressPackageStartupMessages(library(survival))

num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))

cases <- list()
add_case <- function(name, time, status, grp) {
    cases[[length(cases) + 1]] <<- data.frame(case = name, grp = as.character(grp),
                                              time = time, churned = status,
                                              stringsAsFactors = FALSE)
}

# lung: status 1 = censored, 2 = dead; the groups are the sexes
add_case("lung", lung$time, as.integer(lung$status == 2),
         ifelse(lung$sex == 1, "male", "female"))
# aml: maintenance chemotherapy or not, with tied times
add_case("aml", aml$time, aml$status,
         ifelse(aml$x == "Maintained", "maintained", "nonmaintained"))
# ovarian: two treatments, fractional-free but many censored
add_case("ovarian", ovarian$futime, ovarian$fustat, paste0("rx", ovarian$rx))
# heavy ties: events and censoring at the same times, in both groups
add_case("ties", c(1, 1, 1, 2, 2, 2, 2, 3, 3, 5, 5, 5, 8, 8, 1, 1, 2, 3, 3, 3, 4, 5, 8, 8),
         c(1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0),
         c(rep("a", 14), rep("b", 10)))
# fractional durations and events at time zero
add_case("fractional", c(0, 0, 0.5, 1.25, 1.25, 2.75, 3.5, 0, 0.25, 1.25, 4.125, 6),
         c(1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1),
         c(rep("a", 7), rep("b", 5)))
# everything censored in one group: the curve stays at 1, no median
add_case("all_censored", c(3, 5, 7, 9, 2, 4, 6, 8), c(0, 0, 0, 0, 1, 1, 0, 1),
         c(rep("a", 4), rep("b", 4)))
# one observation per group
add_case("single", c(4, 7), c(1, 0), c("a", "b"))
# the curve sits exactly at 1/2 over an interval: the median is a midpoint
add_case("half", c(1, 2, 3, 4, 1, 2, 3, 4), c(1, 1, 1, 1, 1, 1, 0, 0),
         c(rep("a", 4), rep("b", 4)))

obs <- do.call(rbind, cases)
write.csv(data.frame(case = obs$case, grp = obs$grp, time = num(obs$time),
                     churned = obs$churned),
          "observations.csv", row.names = FALSE, quote = FALSE)

curve_rows <- list()
median_rows <- list()
logrank_rows <- list()
for (cs in unique(obs$case)) {
    d <- obs[obs$case == cs, ]
    for (g in c(sort(unique(d$grp)), "all")) {
        dg <- if (g == "all") d else d[d$grp == g, ]
        for (level in c(0.95, 0.9)) {
            fit <- survfit(Surv(time, churned) ~ 1, data = dg, conf.int = level)
            curve_rows[[length(curve_rows) + 1]] <- data.frame(
                case = cs, grp = g, level = level, time = num(fit$time),
                at_risk = fit$n.risk, events = fit$n.event, censored = fit$n.censor,
                survival = num(fit$surv),
                std_err = num(summary(fit, censored = TRUE)$std.err),
                ci_low = num(fit$lower), ci_high = num(fit$upper))
        }
        fit <- survfit(Surv(time, churned) ~ 1, data = dg)
        median_rows[[length(median_rows) + 1]] <- data.frame(
            case = cs, grp = g, median = num(summary(fit)$table[["median"]]))
    }
    groups <- sort(unique(d$grp))
    if (length(groups) == 2) {
        sd <- survdiff(Surv(time, churned) ~ factor(grp, levels = groups), data = d)
        df <- sum(sd$exp > 0) - 1
        logrank_rows[[length(logrank_rows) + 1]] <- data.frame(
            case = cs, grp_a = groups[1], grp_b = groups[2], chisq = num(sd$chisq),
            df = df, p_value = num(pchisq(sd$chisq, df, lower.tail = FALSE)))
    }
}
write.csv(do.call(rbind, curve_rows), "curves.csv", row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, median_rows), "medians.csv", row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, logrank_rows), "logrank.csv", row.names = FALSE, quote = FALSE)
cat(sprintf("survival %s, %s\n", packageVersion("survival"), R.version.string),
    file = "VERSION")
