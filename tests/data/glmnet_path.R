# How tests/data/glmnet_*_path.txt were made: Rscript glmnet_path.R resources/datasets/<file> tests/data/glmnet_<name>_path.txt
# (R 4.2.2, r-cran-glmnet 4.1-6 from Debian 12). glmnet at its default lambda sequence, run to convergence (thresh 1e-14).
suppressMessages(library(glmnet))
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]; out <- args[2]
con <- if (grepl("gz$", path)) gzfile(path) else file(path)
skip <- if (grepl("digits", path)) 0 else 1  # breast_cancer.csv starts with a sklearn header line, digits has none
d <- as.matrix(read.csv(con, header = FALSE, skip = skip))
x <- d[, -ncol(d)]; y <- factor(d[, ncol(d)])
fam <- if (length(levels(y)) == 2) "binomial" else "multinomial"
fit <- glmnet(x, y, family = fam, thresh = 1e-14, maxit = 1e7)
nz <- if (fam == "binomial") colSums(as.matrix(fit$beta) != 0) else Reduce(`+`, lapply(fit$beta, function(b) colSums(as.matrix(b) != 0)))
cat(sprintf("# glmnet %s (%s), family %s, alpha 1, standardize TRUE, thresh 1e-14, maxit 1e7, default lambdas, on every row of %s\n",
  as.character(packageVersion("glmnet")), R.version.string, fam, basename(path)), file = out)
cat("# lambda non_zero_coefficients\n", file = out, append = TRUE)
write.table(cbind(sprintf("%.17g", fit$lambda), nz), out, append = TRUE, row.names = FALSE, col.names = FALSE, quote = FALSE)
