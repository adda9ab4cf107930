# Proportion intervals (written by the Python test): svyciprop's logit and beta methods with
# t intervals (df = degf of the domain's subset, R's default) and normal ones (df = Inf), for
# a mean of a 0/1 variable and a ratio of 0/1 variables (svyciprop over the subset where the
# denominator is 1), in every domain of (), sex and sex x region; on a stratified cluster
# design and on 30 bootstrap replicate weights from as.svrepdesign (written out). The logit
# bounds come from a GLM fitted to R's default tolerance (1e-8), so they are also computed
# as svyciprop does with the GLM converged to machine precision (lower_exact, upper_exact).
# svyciprop's beta method uses degf(design) whatever its df argument.
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "common.R"))
out <- args[2]
d <- read.csv(file.path(out, "proportions.csv"))
full <- cluster_design(d)
replicate <- bootstrap_design(full, 21, out, "proportions")

rows <- list()
groupings <- list(character(0), "sex", c("sex", "region"))
statistics <- list(list(name = "p", kind = "mean", den = NULL),
                   list(name = "ur", kind = "ratio", den = "lf"))
for (case in c("taylor", "replicate")) {
  design <- if (case == "taylor") full else replicate
  for (vars in groupings) {
    domains <- if (length(vars)) unique(design$variables[, vars, drop = FALSE]) else
      data.frame(row.names = 1)
    for (s in statistics) {
      for (k in seq_len(nrow(domains))) {
        inside <- rep(TRUE, nrow(design$variables))
        for (v in vars) inside <- inside & design$variables[[v]] == domains[k, v]
        if (!is.null(s$den)) inside <- inside & design$variables[[s$den]] == 1
        sub <- design[inside, ]
        key <- key_of(domains[k, , drop = FALSE], vars)
        for (method in c("logit", "beta")) {
          for (ci in c("t", "normal")) {
            r <- if (ci == "t") svyciprop(~unemp, sub, method = method) else
              svyciprop(~unemp, sub, method = method, df = Inf)
            bounds <- attr(r, "ci")
            exact <- bounds
            if (method == "logit") {
              # svyciprop's own computation with the GLM converged to machine precision
              m <- suppressWarnings(svyglm(unemp ~ 1, sub, family = quasibinomial,
                control = glm.control(epsilon = 1e-14, maxit = 100)))
              exact <- as.numeric(plogis(confint(m, 1, level = 0.95, method = "Wald",
                                                ddf = if (ci == "t") degf(sub) else Inf)))
            }
            rows[[length(rows) + 1]] <- data.frame(
              case = case, statistic = s$name, kind = s$kind, method = method, ci = ci,
              grouping = paste(vars, collapse = "+"), key = key,
              estimate = as.numeric(r), se = sqrt(as.numeric(attr(r, "var"))),
              lower = bounds[[1]], upper = bounds[[2]], lower_exact = exact[[1]],
              upper_exact = exact[[2]], df = degf(sub))
          }
        }
      }
    }
  }
}
write_oracle(rows, file.path(out, "proportions_oracle.csv"))
