# Calibrated designs (written by the Python test): svytotal, svymean and svyratio in every
# domain of (), sex and urban x sex after postStratify (region x sex x ageband),
# rake (margins region, sex x ageband, urban; R's default control) and calibrate (linear,
# margins region, sex, ageband as treatment-coded totals), on a stratified cluster design,
# on a stratified design whose records are the PSUs, and on 30 bootstrap replicate weights of
# the cluster design (as.svrepdesign, written out), each replicate recalibrated by R; and
# the cluster design with a finite population correction, post-stratified.
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "common.R"))
out <- args[2]
d <- read.csv(file.path(out, "calibration.csv"))
for (v in c("region", "sex", "ageband", "urban")) d[[v]] <- factor(d[[v]])
table_of <- function(name) {
  t <- read.csv(file.path(out, paste0("calibration_", name, ".csv")))
  for (v in setdiff(names(t), "Freq")) t[[v]] <- factor(t[[v]], levels = levels(d[[v]]))
  t
}
post <- table_of("post")
margins <- list(table_of("region"), table_of("sexage"), table_of("urban"))
linear <- list(table_of("region"), table_of("sex"), table_of("ageband"))
population <- c(sum(linear[[1]]$Freq), linear[[1]]$Freq[-1], linear[[2]]$Freq[-1],
                linear[[3]]$Freq[-1])
cluster <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)
bases <- list(
  cluster = cluster,
  records = svydesign(ids = ~1, strata = ~stratum, weights = ~weight, data = d),
  replicate = bootstrap_design(cluster, 29, out, "calibration"),
  fpc = svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, fpc = ~fpc, nest = TRUE,
                  data = d)
)
rows <- list()
for (base in names(bases)) {
  des <- bases[[base]]
  designs <- list(
    poststratify = postStratify(des, ~region + sex + ageband, post),
    rake = rake(des, list(~region, ~sex + ageband, ~urban), margins),
    # compress=FALSE: survey 4.1.1's default (NA) fails for replicate designs
    linear = calibrate(des, ~region + sex + ageband, population, compress = FALSE)
  )
  for (method in if (base == "fpc") "poststratify" else names(designs)) {
    design <- designs[[method]]
    case <- paste(base, method, sep = "_")
    for (vars in list(character(0), "sex", c("urban", "sex"))) {
      rows[[length(rows) + 1]] <- oracle(case, design, "lf", "total", "lf", vars = vars,
                                         dfs = method == "poststratify")
      rows[[length(rows) + 1]] <- oracle(case, design, "pop", "total", "pop", vars = vars)
      rows[[length(rows) + 1]] <- oracle(case, design, "hours", "mean", "hours", vars = vars,
                                         na.rm = TRUE)
      rows[[length(rows) + 1]] <- oracle(case, design, "ur", "ratio", "unemp", "lf",
                                         vars = vars)
    }
  }
}
write_oracle(rows, file.path(out, "calibration_oracle.csv"))
