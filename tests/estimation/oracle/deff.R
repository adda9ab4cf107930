# Design effects (written by the Python test): deff=TRUE of svytotal, svymean and svyratio
# (R's default: against simple random sampling without replacement) in every domain of (),
# sex and sex x region, on a stratified cluster design, a weights-only design and 30
# bootstrap replicate weights from as.svrepdesign (written out).
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "common.R"))
out <- args[2]
d <- read.csv(file.path(out, "deff.csv"))
full <- cluster_design(d)
designs <- list(
  taylor = full,
  weights_only = svydesign(ids = ~1, weights = ~weight, data = d),
  replicate = bootstrap_design(full, 22, out, "deff")
)
# svyratio on a replicate design fails with deff=TRUE in survey 4.1.1 ("rval[i, j]: incorrect
# number of dimensions"); its code takes deff(svytotal(y - R x)) at the full-sample R, which
# is done here domain by domain.
replicate_ratio_deff <- function(design, vars) {
  domains <- if (length(vars)) unique(design$variables[, vars, drop = FALSE]) else
    data.frame(row.names = 1)
  out <- data.frame(key = key_of(domains, vars), deff = NA_real_, estimate = NA_real_)
  for (k in seq_len(nrow(domains))) {
    inside <- rep(TRUE, nrow(design$variables))
    for (v in vars) inside <- inside & design$variables[[v]] == domains[k, v]
    sub <- design[inside, ]
    ratio <- as.numeric(coef(svyratio(~unemp, ~lf, sub)))
    sub <- update(sub, z = unemp - ratio * lf)
    out$deff[k] <- as.numeric(deff(svytotal(~z, sub, deff = TRUE)))
    out$estimate[k] <- ratio
  }
  out
}
rows <- list()
for (case in names(designs)) {
  design <- designs[[case]]
  for (vars in list(character(0), "sex", c("sex", "region"))) {
    for (kind in c("total", "mean", "ratio")) {
      num <- switch(kind, total = ~lf, mean = ~hours, ratio = ~unemp)
      stat <- switch(kind, total = "lf", mean = "hours", ratio = "ur")
      if (length(vars) == 0) {
        r <- switch(kind,
          total = svytotal(num, design, deff = TRUE),
          mean = svymean(num, design, deff = TRUE, na.rm = TRUE),
          ratio = svyratio(num, ~lf, design, deff = case != "replicate"))
        keys <- ""
      } else {
        byf <- as.formula(paste0("~", paste(vars, collapse = "+")))
        r <- switch(kind,
          total = svyby(num, byf, design, svytotal, deff = TRUE),
          mean = svyby(num, byf, design, svymean, deff = TRUE, na.rm = TRUE),
          ratio = svyby(num, byf, design, svyratio, denominator = ~lf,
                        deff = case != "replicate"))
        keys <- key_of(r, vars)
      }
      rows[[length(rows) + 1]] <- data.frame(
        case = case, statistic = stat, kind = kind, grouping = paste(vars, collapse = "+"),
        key = keys, estimate = as.numeric(coef(r)), se = as.numeric(SE(r)),
        deff = if (case == "replicate" && kind == "ratio") NA_real_ else as.numeric(deff(r)),
        df = NA_real_)
      if (case == "replicate" && kind == "ratio") {
        by_hand <- replicate_ratio_deff(design, vars)
        at <- match(rows[[length(rows)]]$key, by_hand$key)
        stopifnot(all(abs(by_hand$estimate[at] / rows[[length(rows)]]$estimate - 1) < 1e-12))
        rows[[length(rows)]]$deff <- by_hand$deff[at]
      }
    }
  }
}
write_oracle(rows, file.path(out, "deff_oracle.csv"))
