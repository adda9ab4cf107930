# Shared helpers for the R survey oracle: estimates, SEs and degrees of freedom per domain,
# written as one long CSV that the Python tests compare against decentwork.
suppressMessages(library(survey))

key_of <- function(df, vars) {
  if (length(vars) == 0) return(rep("", nrow(df)))
  do.call(paste, c(lapply(vars, function(v) paste0(v, "=", as.character(df[[v]]))), sep = ";"))
}

# One statistic over one grouping set. `dfs` adds degf() of each domain subset (as R's
# subset keeps the full design) and t-based bounds at 95%.
oracle <- function(case, design, stat, kind, num, den = NULL, vars = character(0),
                   na.rm = FALSE, dfs = FALSE) {
  f <- as.formula(paste0("~", num))
  g <- if (is.null(den)) NULL else as.formula(paste0("~", den))
  if (length(vars) == 0) {
    r <- switch(kind,
      total = svytotal(f, design, na.rm = na.rm),
      mean = svymean(f, design, na.rm = na.rm),
      ratio = svyratio(f, g, design, na.rm = na.rm))
    keys <- ""
    frame <- design$variables[1, , drop = FALSE]
  } else {
    byf <- as.formula(paste0("~", paste(vars, collapse = "+")))
    r <- switch(kind,
      total = svyby(f, byf, design, svytotal, na.rm = na.rm),
      mean = svyby(f, byf, design, svymean, na.rm = na.rm),
      ratio = svyby(f, byf, design, svyratio, denominator = g, na.rm = na.rm))
    keys <- key_of(r, vars)
    frame <- as.data.frame(r)
  }
  out <- data.frame(case = case, statistic = stat, kind = kind,
                    grouping = paste(vars, collapse = "+"), key = keys,
                    estimate = as.numeric(coef(r)), se = as.numeric(SE(r)), df = NA_real_)
  if (dfs) {
    needed <- c(num, den)
    complete <- if (na.rm) complete.cases(design$variables[, needed, drop = FALSE]) else TRUE
    for (i in seq_len(nrow(out))) {
      inside <- complete
      for (v in vars) inside <- inside & as.character(design$variables[[v]]) ==
        as.character(frame[i, v])
      inside <- rep_len(inside, nrow(design$variables))
      out$df[i] <- degf(design[inside, ])
    }
  }
  out
}

write_oracle <- function(rows, path) {
  write.csv(do.call(rbind, rows), path, row.names = FALSE)
}

# The stratified cluster design of a synthetic survey written by the Python test.
cluster_design <- function(d) {
  svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)
}

# 30 bootstrap replicate weights of `full` (as.svrepdesign, seeded) as combined weights: the
# data with them (columns boot_1...) and their scale are written to <out>/<name>_data.csv and
# <name>_scale.txt for decentwork; returns the replicate design R estimates on.
bootstrap_design <- function(full, seed, out, name) {
  set.seed(seed)
  boot <- as.svrepdesign(full, type = "bootstrap", replicates = 30)
  w <- weights(boot, "analysis")
  data <- full$variables
  for (r in seq_len(ncol(w))) data[[paste0("boot_", r)]] <- w[, r]
  write.csv(data, file.path(out, paste0(name, "_data.csv")), row.names = FALSE)
  writeLines(format(boot$scale, digits = 17), file.path(out, paste0(name, "_scale.txt")))
  svrepdesign(data = data, weights = ~weight, repweights = "^boot_", type = "bootstrap",
              scale = boot$scale, combined.weights = TRUE)
}
