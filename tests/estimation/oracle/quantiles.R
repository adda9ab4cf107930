# Quantiles (written by the Python test): svyquantile with its defaults in survey 4.1.1
# (qrule="math", interval.type="mean": Woodruff bounds from a Wald interval of the CDF), with
# t intervals (df = degf of the domain's subset, R's default) and normal ones (df = Inf), in
# every domain of (), sex and sex x region (svyquantile on the domain's subset, as svyby
# does), for earnings with ties and missing values (na.rm=TRUE); on a stratified cluster
# design, a stratified design whose records are the PSUs and 30 bootstrap replicate weights
# from as.svrepdesign (written out), and the cluster design with a finite population
# correction (fpc: four times the stratum's sampled PSUs). Then the low-pay rate with the threshold fixed at 2/3 of
# the median (svymean(I(earnings < t))), the pay gap as 1 - mean_f / mean_m
# (svyby(covmat=TRUE) + svycontrast) and as 1 - median_f / median_m (R's Woodruff SEs and
# the covariance of the shares below the medians, by the delta method), for the two Taylor
# designs.
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "common.R"))
out <- args[2]
d <- read.csv(file.path(out, "quantiles.csv"))
designs <- list(
  taylor = cluster_design(d),
  records = svydesign(ids = ~1, strata = ~stratum, weights = ~weight, data = d),
  fpc = svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, fpc = ~fpc, nest = TRUE,
                  data = d)
)
designs$replicate <- bootstrap_design(designs$taylor, 31, out, "quantiles")
probabilities <- c(0.1, 0.25, 0.5, 0.9)
groupings <- list(character(0), "sex", c("sex", "region"))

domains_of <- function(design, vars) {
  if (length(vars)) unique(design$variables[, vars, drop = FALSE]) else data.frame(row.names = 1)
}
inside_of <- function(design, domains, k, vars) {
  inside <- rep(TRUE, nrow(design$variables))
  for (v in vars) inside <- inside & design$variables[[v]] == domains[k, v]
  inside
}

rows <- list()
for (case in names(designs)) {
  design <- designs[[case]]
  for (vars in groupings) {
    domains <- domains_of(design, vars)
    for (k in seq_len(nrow(domains))) {
      sub <- design[inside_of(design, domains, k, vars), ]
      key <- key_of(domains[k, , drop = FALSE], vars)
      df <- degf(sub[!is.na(sub$variables$earnings), ])
      for (ci in c("t", "normal")) {
        q <- if (ci == "t") svyquantile(~earnings, sub, probabilities, na.rm = TRUE) else
          svyquantile(~earnings, sub, probabilities, na.rm = TRUE, df = Inf)
        r <- q$earnings
        rows[[length(rows) + 1]] <- data.frame(
          case = case, ci = ci, statistic = paste0("q", 100 * probabilities),
          kind = "quantile", grouping = paste(vars, collapse = "+"), key = key,
          estimate = r[, 1], se = r[, 4], lower = r[, 2], upper = r[, 3], df = df)
      }
    }
  }
}
write_oracle(rows, file.path(out, "quantiles_oracle.csv"))

# Low pay (threshold fixed at 2/3 of the population's median) and the pay gap of means.
rows <- list()
for (case in names(designs)) {
  design <- designs[[case]]
  median <- coef(svyquantile(~earnings, design, 0.5, na.rm = TRUE))[[1]]
  threshold <- 2 / 3 * median
  design <- update(design, low = as.numeric(earnings < threshold))
  for (vars in list(character(0), "region")) {
    r <- oracle(case, design, "low_pay", "mean", "low", NULL, vars, na.rm = TRUE)
    r$threshold <- threshold
    rows[[length(rows) + 1]] <- r
  }
  if (case %in% c("replicate", "fpc")) next
  for (vars in list(character(0), "region")) {
    domains <- domains_of(design, vars)
    for (k in seq_len(nrow(domains))) {
      # svyby(covmat=TRUE) fails with na.rm=TRUE (survey 4.1.1); the subset is the same
      sub <- design[inside_of(design, domains, k, vars) & !is.na(design$variables$earnings), ]
      b <- svyby(~earnings, ~sex, sub, svymean, covmat = TRUE)
      gap <- svycontrast(b, quote(1 - `2` / `1`))
      rows[[length(rows) + 1]] <- data.frame(
        case = case, statistic = "gap", kind = "gap", grouping = paste(vars, collapse = "+"),
        key = key_of(domains[k, , drop = FALSE], vars), estimate = as.numeric(coef(gap)),
        se = as.numeric(SE(gap)), df = NA_real_, threshold = NA_real_)
      # the gap of medians: R's Woodruff SEs (df=Inf) and the correlation of the two sexes'
      # shares below their own medians (svyby covmat), by the delta method
      q <- lapply(1:2, function(s) {
        r <- svyquantile(~earnings, sub[sub$variables$sex == s, ], 0.5, df = Inf)$earnings
        c(estimate = r[1, 1], se = r[1, 4])
      })
      medians <- ifelse(sub$variables$sex == 1, q[[1]][["estimate"]], q[[2]][["estimate"]])
      shares <- update(sub, below = as.numeric(earnings <= medians))
      v <- vcov(svyby(~below, ~sex, shares, svymean, covmat = TRUE))
      rho <- v[1, 2] / sqrt(v[1, 1] * v[2, 2])
      a <- q[[2]][["se"]] / q[[1]][["estimate"]]
      b <- q[[2]][["estimate"]] * q[[1]][["se"]] / q[[1]][["estimate"]]^2
      rows[[length(rows) + 1]] <- data.frame(
        case = case, statistic = "median_gap", kind = "gap",
        grouping = paste(vars, collapse = "+"), key = key_of(domains[k, , drop = FALSE], vars),
        estimate = 1 - q[[2]][["estimate"]] / q[[1]][["estimate"]],
        se = sqrt(a^2 + b^2 - 2 * a * b * rho), df = NA_real_, threshold = NA_real_)
    }
  }
}
write_oracle(rows, file.path(out, "pay_oracle.csv"))
