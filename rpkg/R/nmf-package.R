# Living beside the NMF package (Gaujoux and Seoighe 2010).
#
# The two packages define S4 generics of the same names (basis,
# consensusmap, ...).  Whichever is attached last masks the other's, so each
# side must answer for the other's objects:
#  - nmfkit's generics have an "ANY" method that hands objects they do not
#    know to NMF's generic of the same name (when NMF's namespace is loaded);
#  - nmfkit's methods are also set on NMF's generics, at load time when NMF
#    is already loaded, or else when NMF's namespace loads later (a hook).
# Generics inherited from stats, base and graphics (coef, fitted, predict,
# residuals, summary, plot) are shared by both packages and need nothing.
# The class names differ (nmfkitFit, not NMFfit): S4 class names are global,
# and two classes of one name break both packages' objects.

# Where the methods set on NMF's generics keep their metadata: nmfkit's
# namespace is locked by the time NMF may load, this environment is not.
.nmf_bridge <- new.env()

# Sets each of nmfkit's methods for its own classes of the shared generics
# on the NMF package's generic of the same name, and consensus()
# for nmfkit's results on NMF's consensus().  Called from
# .onLoad when NMF is already loaded, else by a hook when NMF's namespace
# loads.
register_on_nmf_package <- function(...) {
  ns <- asNamespace("NMF")
  own <- asNamespace("nmfkit")
  nmf_generic <- function(name) {
    g <- get0(name, envir = ns, mode = "function", inherits = FALSE)
    if (methods::is(g, "standardGeneric")) g
  }
  for (name in .nmf_shared_generics) {
    g <- nmf_generic(name)
    if (is.null(g)) next
    mine <- methods::findMethods(get(name, envir = own))
    for (i in seq_along(mine)) {
      cls <- mine[[i]]@defined[[1L]]
      # Only nmfkit's own classes: NMF's methods for matrices stay NMF's.
      if (!startsWith(cls, "nmfkit")) next
      methods::setMethod(g, cls, mine[[i]]@.Data, where = .nmf_bridge)
    }
  }
  # NMF's consensus() is an accessor; nmfkit's consensus() also runs one.
  g <- nmf_generic("consensus")
  if (!is.null(g))
    for (cls in c("nmfkitFit", "nmfkitConsensus", "nmfkitSurvey"))
      methods::setMethod(g, cls, function(object, k = NULL, ...)
                           consensus_matrix(object, k), where = .nmf_bridge)
  invisible(TRUE)
}

nmf_package_hooks <- function() {
  if (isNamespaceLoaded("NMF")) register_on_nmf_package()
  else setHook(packageEvent("NMF", "onLoad"), register_on_nmf_package)
}
