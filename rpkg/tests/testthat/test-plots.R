# The plots render on a PNG device at the size users pick (900 x 800), draw
# something (each file is several times the size of a blank page of the
# same size), and consensusmap(survey) puts every rank on one page unless
# asked for one page per rank.  (The pictures themselves were looked at.)

render <- function(draw, pattern = "plot-%d.png") {
  dir <- tempfile("plots")
  dir.create(dir)
  grDevices::png(file.path(dir, pattern), width = 900, height = 800)
  ok <- tryCatch({ draw(); TRUE }, finally = grDevices::dev.off())
  list.files(dir, full.names = TRUE)
}

blank_size <- function() {
  f <- render(function() graphics::plot.new())
  file.size(f)
}

test_that("every plot draws a page that is not blank", {
  skip_if_not(capabilities("png"))
  d <- lowrank_data()
  x <- d$x + 0.1
  blank <- blank_size()
  fit <- nmf(x, 3, seed = 1)
  cons <- consensus(x, 3, nrun = 4, seed = 2)
  groups <- rep(c("a", "b"), length.out = ncol(x))
  draws <- list(
    plot_fit = function() plot(fit),
    consensusmap = function() consensusmap(cons, annotation = groups),
    basismap = function() basismap(fit, top = 10),
    coefmap = function() coefmap(fit, annotation = groups))
  for (name in names(draws)) {
    files <- render(draws[[name]])
    expect_length(files, 1L)
    expect_gt(file.size(files), 3 * blank, label = paste(name, "PNG size"))
  }
})

test_that("consensusmap(survey) draws all ranks on one page, or one per rank", {
  skip_if_not(capabilities("png"))
  s <- consensus(lowrank_data()$x + 0.1, 2:4, nrun = 3, seed = 5)
  expect_length(render(function() consensusmap(s)), 1L)
  expect_length(render(function() consensusmap(s, onepage = FALSE)), 3L)
  expect_gt(file.size(render(function() consensusmap(s))), 3 * blank_size())
})

test_that("an annotation track is named after the expression given", {
  expect_identical(names(as_tracks(1:3, 3, NULL, "golub_samples$type")), "type")
  expect_identical(names(as_tracks(1:3, 3, NULL, "groups")), "groups")
  expect_identical(names(as_tracks(1:3, 3, NULL, "rep(1:3, 2)[1:3]")),
                   "annotation")
  expect_identical(names(as_tracks(list(cell = 1:3), 3, NULL, "x")), "cell")
})

test_that("plot() of a fit without a loss history says so", {
  cons <- consensus(lowrank_data()$x + 0.1, 2, nrun = 2, seed = 1)
  expect_error(plot(cons@fit), "no loss history")
})
