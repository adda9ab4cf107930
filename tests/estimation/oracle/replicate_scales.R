# Replicate designs with their own scales (written by the Python test): JKn weights and
# rscales from as.svrepdesign(type="JKn"), bootstrap weights with their scale from
# as.svrepdesign(type="bootstrap"), the same bootstrap weights as type="other" with a given
# scale and rscales; each with and without mse. The replicate weights and the scales are
# written out for decentwork to read.
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "common.R"))
out <- args[2]
d <- read.csv(file.path(out, "scales.csv"))
full <- cluster_design(d)

set.seed(20)
made <- list(
  jkn = as.svrepdesign(full, type = "JKn"),
  boot = as.svrepdesign(full, type = "bootstrap", replicates = 50)
)
scales <- list()
data <- d
for (name in names(made)) {
  w <- weights(made[[name]], "analysis")
  for (r in seq_len(ncol(w))) data[[paste0(name, "_", r)]] <- w[, r]
  scales[[name]] <- data.frame(method = name, replicate = seq_len(ncol(w)),
                               scale = made[[name]]$scale,
                               rscale = rep_len(made[[name]]$rscales, ncol(w)))
}
other_rscales <- rep(c(0.5, 1.5), length.out = 50)
scales[["other"]] <- data.frame(method = "other", replicate = 1:50, scale = 0.04,
                                rscale = other_rscales)
write.csv(do.call(rbind, scales), file.path(out, "scales_factors.csv"), row.names = FALSE)
write.csv(data, file.path(out, "scales_data.csv"), row.names = FALSE)

rows <- list()
add <- function(...) rows[[length(rows) + 1]] <<- oracle(...)
cases <- list(
  jkn = list(columns = "^jkn_", type = "JKn", scale = made$jkn$scale, rscales = made$jkn$rscales),
  boot = list(columns = "^boot_", type = "bootstrap", scale = made$boot$scale, rscales = NULL),
  other = list(columns = "^boot_", type = "other", scale = 0.04, rscales = other_rscales)
)
for (name in names(cases)) {
  case <- cases[[name]]
  for (mse in c(FALSE, TRUE)) {
    rep <- svrepdesign(data = data, weights = ~weight, repweights = case$columns,
                       type = case$type, scale = case$scale, rscales = case$rscales,
                       combined.weights = TRUE, mse = mse)
    label <- paste0(name, if (mse) "_mse" else "")
    for (vars in list(character(0), "sex", c("sex", "region"))) {
      add(label, rep, "ur", "ratio", "unemp", "lf", vars, dfs = !mse && length(vars) < 2)
      add(label, rep, "lf", "total", "lf", NULL, vars)
      add(label, rep, "hours", "mean", "hours", NULL, vars, na.rm = TRUE)
    }
  }
}
write_oracle(rows, file.path(out, "scales_oracle.csv"))
