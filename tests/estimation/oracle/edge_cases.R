# Edge cases found in review: a certainty stratum under lonely "average", variables whose
# spread is tiny next to their mean (cancellation), replicate df with missing values, and a
# replicate whose denominator is zero under a non-zero numerator.
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "common.R"))
out <- args[2]
rows <- list()
add <- function(...) rows[[length(rows) + 1]] <<- oracle(...)

lonely <- read.csv(file.path(out, "certainty.csv"))
options(survey.lonely.psu = "average")
add("average_certainty",
    svydesign(ids = ~psu, strata = ~h, weights = ~w, fpc = ~N, nest = TRUE, data = lonely),
    "y", "total", "y")
options(survey.lonely.psu = "fail")

tiny <- read.csv(file.path(out, "cancellation.csv"))
for (case in c("weights_only", "strata")) {
  d <- if (case == "weights_only") svydesign(ids = ~1, weights = ~w, data = tiny) else
    svydesign(ids = ~1, strata = ~h, weights = ~w, data = tiny)
  for (vars in list(character(0), "grp")) {
    add(paste0("cancel_", case), d, "y", "mean", "y", NULL, vars)
    add(paste0("cancel_", case), d, "y", "total", "y", NULL, vars)
  }
}

rep <- read.csv(file.path(out, "replicates.csv"))
jk <- svrepdesign(data = rep, weights = ~w, repweights = "^jk_", type = "JK1", scale = 3 / 4,
                  combined.weights = TRUE)
add("replicates", jk, "y", "mean", "y", NULL, character(0), na.rm = TRUE, dfs = TRUE)
add("replicates", jk, "r", "ratio", "num", "den", "dom")
write_oracle(rows, file.path(out, "edge_oracle.csv"))
