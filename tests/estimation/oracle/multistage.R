# Multi-stage designs with an FPC at every stage (R's default multistage variance,
# options(survey.ultimate.cluster = FALSE)) on a seeded sample written by the Python test:
# a ratio, a total and a mean by (), sex and sex x region, with degf() of each domain.
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "common.R"))
out <- args[2]
d <- read.csv(file.path(out, "multistage.csv"))
lonely <- d[d$one_ssu == 1, ]
designs <- list(
  strata_sizes = list(svydesign(ids = ~psu + ssu, strata = ~s1, fpc = ~n1 + n2,
                                weights = ~weight, nest = TRUE, data = d), "fail"),
  no_strata_fractions = list(svydesign(ids = ~psu + ssu, fpc = ~f1_all + f2,
                                       weights = ~weight, data = transform(d, psu = s1 * 100 + psu)), "fail"),
  two_strata = list(svydesign(ids = ~psu + ssu, strata = ~s1 + s2, fpc = ~n1 + n2s,
                              weights = ~weight, nest = TRUE, data = d), "fail"),
  three_stages = list(svydesign(ids = ~psu + ssu + hh, strata = ~s1 + s2,
                                fpc = ~n1 + n2s + n3, weights = ~weight, nest = TRUE,
                                data = d), "fail"),
  lonely_adjust = list(svydesign(ids = ~psu + ssu, strata = ~s1, fpc = ~n1 + n2,
                                 weights = ~weight, nest = TRUE, data = lonely), "adjust"),
  lonely_remove = list(svydesign(ids = ~psu + ssu, strata = ~s1, fpc = ~n1 + n2,
                                 weights = ~weight, nest = TRUE, data = lonely), "remove"),
  no_fpc = list(svydesign(ids = ~psu + ssu, strata = ~s1, weights = ~weight, nest = TRUE,
                          data = d), "fail")
)
rows <- list()
for (case in names(designs)) {
  options(survey.lonely.psu = designs[[case]][[2]])
  design <- designs[[case]][[1]]
  for (vars in list(character(0), "sex", c("sex", "region"))) {
    rows[[length(rows) + 1]] <- oracle(case, design, "ur", "ratio", "unemp", "lf", vars,
                                       dfs = TRUE)
    rows[[length(rows) + 1]] <- oracle(case, design, "lf", "total", "lf", vars = vars,
                                       dfs = TRUE)
    rows[[length(rows) + 1]] <- oracle(case, design, "hours", "mean", "hours", vars = vars,
                                       dfs = TRUE)
  }
}
# The first-stage (ultimate cluster) answer of the same design, to measure what the
# later stages add.
options(survey.lonely.psu = "fail", survey.ultimate.cluster = TRUE)
design <- designs$strata_sizes[[1]]
for (vars in list(character(0), "sex", c("sex", "region"))) {
  rows[[length(rows) + 1]] <- oracle("ultimate_cluster", design, "ur", "ratio", "unemp", "lf",
                                     vars)
}
write_oracle(rows, file.path(out, "multistage_oracle.csv"))
