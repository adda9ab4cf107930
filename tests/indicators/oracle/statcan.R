# Unemployment rate from Statistics Canada's LFS public use microdata file, read straight from
# the official zip, with the weights-only design (the PUMF publishes no strata or PSUs).
# Arguments: <unused> <workdir> <zip> <csv member>; writes statcan_oracle.csv.
args <- commandArgs(trailingOnly = TRUE)
here <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE),
                                                         value = TRUE))))
source(file.path(here, "common.R"))
out <- args[2]
d <- read.csv(unz(args[3], args[4]))

# LFSSTAT: 1 employed at work, 2 employed absent, 3 unemployed, 4 not in the labour force.
d$unemp <- as.numeric(d$LFSSTAT == 3)
d$lf <- as.numeric(d$LFSSTAT %in% 1:3)
provinces <- c("10" = "CA-NL", "11" = "CA-PE", "12" = "CA-NS", "13" = "CA-NB",
               "24" = "CA-QC", "35" = "CA-ON", "46" = "CA-MB", "47" = "CA-SK",
               "48" = "CA-AB", "59" = "CA-BC")
design <- svydesign(ids = ~1, weights = ~FINALWT, data = d)

code <- "UNE_DEAP_SEX_AGE_RT"
total <- "AGE_YTHADULT_YGE15"
rows <- list()
est <- domain_estimates(design, "unemp", "lf")
rows[[1]] <- observation_rows(est, code, 100, "CAN", "SEX_T", total)
est <- domain_estimates(design, "unemp", "lf", "SEX")
rows[[2]] <- observation_rows(est, code, 100, "CAN", sex_code(est$SEX), total)
est <- domain_estimates(design, "unemp", "lf", "PROV")
rows[[3]] <- observation_rows(est, code, 100, provinces[as.character(est$PROV)], "SEX_T",
                              total)
est <- domain_estimates(design, "unemp", "lf", c("PROV", "SEX"))
rows[[4]] <- observation_rows(est, code, 100, provinces[as.character(est$PROV)],
                              sex_code(est$SEX), total)
write_observations(rows, file.path(out, "statcan_oracle.csv"))
