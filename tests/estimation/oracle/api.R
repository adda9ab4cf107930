# R survey's own api data: the designs of its documentation, estimated by survey itself.
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "common.R"))
out <- args[2]
data(api)
write.csv(apistrat, file.path(out, "apistrat.csv"), row.names = FALSE)
write.csv(apiclus1, file.path(out, "apiclus1.csv"), row.names = FALSE)
write.csv(apiclus2, file.path(out, "apiclus2.csv"), row.names = FALSE)

designs <- list(
  strat_fpc = svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat),
  strat = svydesign(ids = ~1, strata = ~stype, weights = ~pw, data = apistrat),
  clus1_fpc = svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1),
  clus1 = svydesign(ids = ~dnum, weights = ~pw, data = apiclus1),
  clus2 = svydesign(ids = ~dnum, weights = ~pw, data = apiclus2),
  weights_only = svydesign(ids = ~1, weights = ~pw, data = apistrat)
)
rows <- list()
for (case in names(designs)) {
  d <- designs[[case]]
  for (vars in list(character(0), "sch.wide", c("sch.wide", "awards"))) {
    rows[[length(rows) + 1]] <- oracle(case, d, "r", "ratio", "api00", "api99", vars, dfs = TRUE)
    rows[[length(rows) + 1]] <- oracle(case, d, "enroll", "total", "enroll", NULL, vars,
                                       na.rm = TRUE)
    rows[[length(rows) + 1]] <- oracle(case, d, "api00", "mean", "api00", NULL, vars)
    rows[[length(rows) + 1]] <- oracle(case, d, "api00", "total", "api00", NULL, vars)
  }
}
write_oracle(rows, file.path(out, "api_oracle.csv"))
