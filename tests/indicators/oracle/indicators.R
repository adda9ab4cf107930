# Indicators of the seeded synthetic survey (written as CSV by the Python test), derived here
# from the RAW questionnaire columns (src/decentwork/synthetic/schema.py) independently of
# decentwork's profile and catalogue SQL, and estimated with the full stratified two-stage
# design. Arguments: <unused> <workdir>; reads synthetic.csv, writes synthetic_oracle.csv.
args <- commandArgs(trailingOnly = TRUE)
here <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE),
                                                         value = TRUE))))
source(file.path(here, "common.R"))
out <- args[2]
d <- read.csv(file.path(out, "synthetic.csv"))

# 19th ICLS (2013): working-age population 15+; employed = worked at least one hour or
# temporarily absent (paras. 27-29); unemployed = not employed, looked for work and available
# (para. 47); labour force = employed + unemployed; the rest of working age is outside it.
wap <- d$age >= 15
emp <- wap & (is_code(d$worked, 1) | is_code(d$absent, 1))
une <- wap & !emp & is_code(d$looked, 1) & is_code(d$available, 1)
eap <- emp | une
olf <- wap & !eap
# Potential labour force (para. 51): unavailable jobseekers (looked, not available) and
# available potential jobseekers (available, not looking). The survey asks no willingness.
plf <- olf & xor(is_code(d$looked, 1), is_code(d$available, 1))
# Time-related underemployment: employed, wanting more hours, under 35 hours (the synthetic
# survey's national threshold; no separate availability question).
tru <- emp & is_code(d$wants_more_hours, 1) & !is.na(d$hours) & d$hours < 35
# Informal main job (21st ICLS; the catalogue's recipe from job characteristics): contributing
# family workers (ICSE-93 5) are informal; employees are informal when their employer does not
# contribute to social security (unknown: formal); employers, own-account workers, cooperative
# members and the not classifiable are informal unless their enterprise is registered.
informal_job <- is_code(d$status, 5) |
  (is_code(d$status, 1) & is_code(d$social_security, 2)) |
  (d$status %in% c(2, 3, 4, 6) & !is_code(d$registered, 1))
informal <- emp & informal_job
# SDG 8.6.1: youth aged 15-24, not employed and not attending education or training.
youth <- d$age >= 15 & d$age <= 24
neet <- youth & !emp & is_code(d$attending, 2)
# SDG 8.5.1: hourly earnings of employees = monthly earnings / (hours actually worked in the
# week x 52 / 12); employees with positive earnings and hours only; ratio of weighted sums.
employee <- emp & is_code(d$status, 1)
hourly <- d$earnings / (d$hours * 52 / 12)
earned <- employee & !is.na(hourly) & is.finite(hourly) & hourly > 0

d$wap <- as.numeric(wap)
d$emp <- as.numeric(emp)
d$une <- as.numeric(une)
d$eap <- as.numeric(eap)
d$une_tru <- as.numeric(une) + as.numeric(tru)
d$une_plf <- as.numeric(une) + as.numeric(plf)
d$une_tru_plf <- as.numeric(une) + as.numeric(tru) + as.numeric(plf)
d$eap_plf <- as.numeric(eap) + as.numeric(plf)
d$informal <- as.numeric(informal)
d$youth <- as.numeric(youth)
d$neet <- as.numeric(neet)
d$earnings_valid <- ifelse(earned, hourly, 0)
d$valid <- as.numeric(earned)
# AGE_YTHADULT categories ("none": not in that split).
d$age_ya <- ifelse(youth, "Y15-24", ifelse(d$age >= 25, "YGE25", "none"))
d$age_1564 <- ifelse(d$age >= 15 & d$age <= 64, "Y15-64", "none")

design <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)

rows <- list()
# One indicator: whole population and by sex, at the classification total; `splits` are
# by-variables giving classif1 categories (prefix + value); `regions` adds the areas.
add <- function(code, num, den, scale, total, prefix = "", splits = character(0),
                regions = FALSE) {
  est <- domain_estimates(design, num, den)
  rows[[length(rows) + 1]] <<- observation_rows(est, code, scale, "X_DW", "SEX_T", total)
  est <- domain_estimates(design, num, den, "sex")
  rows[[length(rows) + 1]] <<- observation_rows(est, code, scale, "X_DW", sex_code(est$sex),
                                                total)
  for (split in splits) {
    est <- domain_estimates(design, num, den, split)
    est <- est[est[[split]] != "none", ]
    rows[[length(rows) + 1]] <<- observation_rows(est, code, scale, "X_DW", "SEX_T",
                                                  paste0(prefix, est[[split]]))
    est <- domain_estimates(design, num, den, c("sex", split))
    est <- est[est[[split]] != "none", ]
    rows[[length(rows) + 1]] <<- observation_rows(est, code, scale, "X_DW", sex_code(est$sex),
                                                  paste0(prefix, est[[split]]))
  }
  if (regions) {
    est <- domain_estimates(design, num, den, "region")
    rows[[length(rows) + 1]] <<- observation_rows(est, code, scale,
                                                  sprintf("X_DW-R%02d", est$region), "SEX_T",
                                                  total)
    est <- domain_estimates(design, num, den, c("sex", "region"))
    rows[[length(rows) + 1]] <<- observation_rows(est, code, scale,
                                                  sprintf("X_DW-R%02d", est$region),
                                                  sex_code(est$sex), total)
  }
}
age <- function(code, num, den, scale, regions = FALSE) {
  add(code, num, den, scale, "AGE_YTHADULT_YGE15", "AGE_YTHADULT_", c("age_ya", "age_1564"),
      regions)
}

age("UNE_DEAP_SEX_AGE_RT", "une", "eap", 100, regions = TRUE)
age("EAP_DWAP_SEX_AGE_RT", "eap", "wap", 100)
age("EMP_DWAP_SEX_AGE_RT", "emp", "wap", 100)
age("LUU_XLU2_SEX_AGE_RT", "une_tru", "eap", 100)
age("LUU_XLU3_SEX_AGE_RT", "une_plf", "eap_plf", 100)
age("LUU_XLU4_SEX_AGE_RT", "une_tru_plf", "eap_plf", 100)
age("EMP_TEMP_SEX_AGE_NB", "emp", NULL, 0.001)
add("SDG_0861_SEX_RT", "neet", "youth", 100, "")
add("EMP_NIFL_SEX_RT", "informal", "emp", 100, "")
add("SDG_0851_SEX_OCU_NB", "earnings_valid", "valid", 1, "OCU_ISCO08_TOTAL")
write_observations(rows, file.path(out, "synthetic_oracle.csv"))
