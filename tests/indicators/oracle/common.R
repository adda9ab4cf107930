# Shared helpers of the indicator oracles: survey-package estimates in the whole population
# and in the domains of a grouping, as ILOSTAT observation rows (value, SE, 95% bounds).
suppressMessages(library(survey))

# TRUE where x equals value (FALSE where x is NA).
is_code <- function(x, value) !is.na(x) & x == value

# num / den (svyratio) or the total of num (den NULL) over the whole design (by empty) or by
# the domains of `by` (svyby, which keeps the full design for the variance). Columns: the
# by-variables, estimate, se, lower, upper (confint: normal 95% interval).
domain_estimates <- function(design, num, den = NULL, by = character(0)) {
  f <- as.formula(paste0("~", num))
  g <- if (is.null(den)) NULL else as.formula(paste0("~", den))
  if (length(by) == 0) {
    r <- if (is.null(den)) svytotal(f, design) else svyratio(f, g, design)
    frame <- data.frame(row.names = 1)
  } else {
    byf <- as.formula(paste0("~", paste(by, collapse = "+")))
    r <- if (is.null(den)) {
      svyby(f, byf, design, svytotal)
    } else {
      svyby(f, byf, design, svyratio, denominator = g)
    }
    frame <- as.data.frame(r)[by]
  }
  ci <- confint(r, level = 0.95)
  data.frame(frame, estimate = as.numeric(coef(r)), se = as.numeric(SE(r)),
             lower = as.numeric(ci[, 1]), upper = as.numeric(ci[, 2]))
}

sex_code <- function(sex) ifelse(sex == 1, "SEX_M", "SEX_F")

# Observation rows of one indicator: estimates scaled (100 for percent, 0.001 for thousands).
observation_rows <- function(est, indicator, scale, ref_area, sex, classif1) {
  data.frame(ref_area = ref_area, indicator = indicator, sex = sex, classif1 = classif1,
             obs_value = est$estimate * scale, se = est$se * scale,
             lower_bound = est$lower * scale, upper_bound = est$upper * scale)
}

write_observations <- function(rows, path) {
  write.csv(do.call(rbind, rows), path, row.names = FALSE)
}
