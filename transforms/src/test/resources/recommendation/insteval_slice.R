# The committed slice insteval_slice.csv of lme4's InstEval data set (GPL >= 2, as lme4): university
# lecture evaluations by students at ETH Zurich, anonymized; 73,421 ratings (1 = poor to 5 = very
# good) of 1,128 lecturers by 2,972 students, no (student, lecturer) pair twice. The slice keeps the
# ratings of students 1 to 1000 of the 150 most rated lecturers (by their ratings in the whole set,
# ties by id), in the data set's order, with its columns s (student), d (lecturer) and y (rating):
# 11,073 ratings by 980 students.
# Made with Debian's r-cran-lme4 1.1-31 (bookworm), from this directory:
#     Rscript insteval_slice.R
library(lme4)
data(InstEval)
s <- as.integer(as.character(InstEval$s))
d <- as.integer(as.character(InstEval$d))
counts <- table(d)
ids <- as.integer(names(counts))
top <- ids[order(-as.vector(counts), ids)][1:150]
keep <- s <= 1000 & d %in% top
write.csv(data.frame(s = s[keep], d = d[keep], y = InstEval$y[keep]),
          "insteval_slice.csv", row.names = FALSE, quote = FALSE)
