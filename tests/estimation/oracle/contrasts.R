# Covariances and contrasts (written by the Python test): a three-month file whose months
# share the same strata and PSUs (periods as a by-variable of one design). For a stratified
# cluster design, records as PSUs (ids=~1 with strata) and 30 bootstrap replicate weights from
# as.svrepdesign: the covariance matrix of a ratio, a total and a mean by (), month, sex and
# month x sex, from the influence functions (svyrecvar) or replicates (svrVar) of all of them
# side by side, each svyby block checked against vcov(svyby(..., covmat=TRUE)); vcov of
# svytotal(~lf + employed) and svyratio(~unemp + employed, ~lf, covmat=TRUE); and svycontrast
# of changes between months, their average, and women - men.
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "common.R"))
out <- args[2]
full <- cluster_design(read.csv(file.path(out, "contrasts.csv")))
records <- svydesign(ids = ~1, strata = ~stratum, weights = ~weight, data = full$variables)
designs <- list(taylor = full, records = records,
                replicate = bootstrap_design(full, 31, out, "contrasts"))
groupings <- list(character(0), "month", "sex", c("month", "sex"))
kinds <- c(ur = "ratio", lf = "total", employed = "mean")

# One statistic over one grouping set: its coefficients, keys, and influence functions
# (Taylor) or replicate estimates (replicates).
piece <- function(design, stat, vars) {
  rep <- inherits(design, "svyrep.design")
  kind <- kinds[[stat]]
  if (length(vars) == 0) {
    r <- if (rep) {
      switch(kind,
        ratio = svyratio(~unemp, ~lf, design, return.replicates = TRUE),
        total = svytotal(~lf, design, return.replicates = TRUE),
        mean = svymean(~employed, design, return.replicates = TRUE))
    } else {
      switch(kind,
        ratio = svyratio(~unemp, ~lf, design, influence = TRUE),
        total = svytotal(~lf, design, influence = TRUE),
        mean = svymean(~employed, design, influence = TRUE))
    }
    keys <- ""
    if (rep) {
      extra <- as.matrix(r$replicates)
      if (kind == "ratio") r <- r$ratio
      coefs <- as.numeric(if (kind == "ratio") r else coef(r))
    } else {
      extra <- as.matrix(attr(r, "influence"))
      coefs <- as.numeric(coef(r))
    }
    block <- NULL
  } else {
    byf <- as.formula(paste0("~", paste(vars, collapse = "+")))
    r <- switch(kind,
      ratio = svyby(~unemp, byf, design, svyratio, denominator = ~lf, covmat = TRUE,
                    return.replicates = rep),
      total = svyby(~lf, byf, design, svytotal, covmat = TRUE, return.replicates = rep),
      mean = svyby(~employed, byf, design, svymean, covmat = TRUE, return.replicates = rep))
    keys <- key_of(r, vars)
    extra <- if (rep) attr(r, "replicates") else attr(r, "influence")
    coefs <- as.numeric(coef(r))
    block <- vcov(r)
  }
  list(keys = paste(stat, paste(vars, collapse = "+"), keys, sep = "|"), coefs = coefs,
       extra = extra, block = block)
}

covariance <- function(design, pieces) {
  extra <- do.call(cbind, lapply(pieces, `[[`, "extra"))
  if (inherits(design, "svyrep.design")) {
    v <- svrVar(extra, design$scale, design$rscales, mse = design$mse,
                coef = unlist(lapply(pieces, `[[`, "coefs")))
  } else {
    v <- svyrecvar(extra, design$cluster, design$strata, design$fpc,
                   postStrata = design$postStrata)
  }
  v <- unclass(as.matrix(v))
  attributes(v) <- list(dim = dim(v))
  keys <- unlist(lapply(pieces, `[[`, "keys"))
  dimnames(v) <- list(keys, keys)
  # every svyby block is R's own vcov(svyby(..., covmat=TRUE))
  for (p in pieces) {
    if (is.null(p$block)) next
    mine <- v[p$keys, p$keys]
    stopifnot(max(abs(mine - unclass(p$block))) <= 1e-12 * max(abs(mine)))
  }
  v
}

named <- function(m, case, what) {
  data.frame(case = case, what = what, row = rep(rownames(m), ncol(m)),
             col = rep(colnames(m), each = nrow(m)), value = as.vector(m))
}

contrast_rows <- function(case, design) {
  rows <- list()
  add <- function(name, s) {
    rows[[length(rows) + 1]] <<- data.frame(case = case, name = name,
      estimate = as.numeric(coef(s)), se = as.numeric(SE(s)))
  }
  ur_month <- svyby(~unemp, ~month, design, svyratio, denominator = ~lf, covmat = TRUE)
  add("ur month 2 - 1", svycontrast(ur_month, c(-1, 1, 0)))
  add("ur month 3 - 2", svycontrast(ur_month, c(0, -1, 1)))
  add("ur month 3 - 1", svycontrast(ur_month, c(-1, 0, 1)))
  add("ur average", svycontrast(ur_month, c(1, 1, 1) / 3))
  lf_month <- svyby(~lf, ~month, design, svytotal, covmat = TRUE)
  add("lf month 2 - 1", svycontrast(lf_month, c(-1, 1, 0)))
  add("lf month 3 - 2", svycontrast(lf_month, c(0, -1, 1)))
  ur_sex <- svyby(~unemp, ~sex, design, svyratio, denominator = ~lf, covmat = TRUE)
  add("ur women - men", svycontrast(ur_sex, c(-1, 1)))
  ur_month_sex <- svyby(~unemp, ~month + sex, design, svyratio, denominator = ~lf,
                        covmat = TRUE)
  for (m in 1:3) {
    w <- setNames(c(1, -1), c(paste0(m, ".2"), paste0(m, ".1")))
    add(paste("ur women - men in month", m), svycontrast(ur_month_sex, w))
  }
  do.call(rbind, rows)
}

matrices <- list()
contrasts <- list()
for (case in names(designs)) {
  design <- designs[[case]]
  pieces <- list()
  for (vars in groupings) for (stat in names(kinds)) {
    pieces[[length(pieces) + 1]] <- piece(design, stat, vars)
  }
  matrices[[length(matrices) + 1]] <- named(covariance(design, pieces), case, "all")
  two_totals <- vcov(svytotal(~lf + employed, design))
  dimnames(two_totals) <- list(c("lf", "employed"), c("lf", "employed"))
  matrices[[length(matrices) + 1]] <- named(two_totals, case, "two_totals")
  two_ratios <- if (inherits(design, "svyrep.design")) {
    # vcov(svyratio(...)) of a replicate design has no covariances: its replicates' svrVar
    r <- svyratio(~unemp + employed, ~lf, design, return.replicates = TRUE)
    svrVar(r$replicates, design$scale, design$rscales, mse = design$mse,
           coef = as.vector(r$ratio))
  } else {
    svyratio(~unemp + employed, ~lf, design, covmat = TRUE)$vcov
  }
  two_ratios <- unclass(as.matrix(two_ratios))
  attributes(two_ratios) <- list(dim = c(2L, 2L), dimnames = list(c("ur", "er"), c("ur", "er")))
  matrices[[length(matrices) + 1]] <- named(two_ratios, case, "two_ratios")
  contrasts[[length(contrasts) + 1]] <- contrast_rows(case, design)
}
write.csv(do.call(rbind, matrices), file.path(out, "contrasts_covariance.csv"), row.names = FALSE)
write.csv(do.call(rbind, contrasts), file.path(out, "contrasts_oracle.csv"), row.names = FALSE)
