# A seeded synthetic survey (written by the Python test): full design, FPC, records as PSUs,
# weights only, every lonely-PSU option, every replicate method with and without mse.
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "common.R"))
out <- args[2]
d <- read.csv(file.path(out, "synthetic.csv"))
lonely <- read.csv(file.path(out, "lonely.csv"))
factors <- read.csv(file.path(out, "factors.csv"))

rows <- list()
add <- function(...) rows[[length(rows) + 1]] <<- oracle(...)
stats <- function(case, design, groupings, dfs = FALSE, with_mean = TRUE) {
  for (vars in groupings) {
    add(case, design, "ur", "ratio", "unemp", "lf", vars, dfs = dfs)
    add(case, design, "lf", "total", "lf", NULL, vars)
    if (with_mean) add(case, design, "hours", "mean", "hours", NULL, vars, na.rm = TRUE)
  }
}
two <- list(character(0), c("sex", "region"))

full <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)
stats("full", full, list(character(0), "sex", c("sex", "region"), c("urban", "ageband")),
      dfs = TRUE)
stats("full_fpc", svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, fpc = ~fpc,
                            nest = TRUE, data = d), two)
stats("records_as_psu", svydesign(ids = ~1, strata = ~stratum, weights = ~weight, data = d),
      two, dfs = TRUE)
stats("weights_only", svydesign(ids = ~1, weights = ~weight, data = d), two, dfs = TRUE)

lonely_design <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE,
                           data = lonely)
for (option in c("remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = option)
  stats(paste0("lonely_", option), lonely_design, two, with_mean = FALSE)
}
options(survey.lonely.psu = "fail")
failed <- tryCatch({ svytotal(~lf, lonely_design); "" }, error = function(e) conditionMessage(e))
writeLines(failed, file.path(out, "lonely_fail.txt"))

types <- c(bootstrap = "bootstrap", jk1 = "JK1", brr = "BRR", fay = "Fay",
           sdr = "successive-difference")
at <- match(d$psu, factors$psu)
for (method in names(types)) {
  columns <- grep(paste0("^", method, "_"), names(factors), value = TRUE)
  data <- d
  for (column in columns) data[[column]] <- d$weight * factors[[column]][at]
  for (mse in c(FALSE, TRUE)) {
    rep <- suppressWarnings(svrepdesign(
      data = data, weights = ~weight, repweights = paste0("^", method, "_"),
      type = types[[method]], rho = if (method == "fay") 0.3 else NULL,
      combined.weights = TRUE, mse = mse))
    stats(paste0(method, if (mse) "_mse" else ""), rep, two, dfs = !mse)
  }
}
write_oracle(rows, file.path(out, "synthetic_oracle.csv"))
