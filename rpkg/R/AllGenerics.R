# The S4 generics that the NMF package defines too (see nmf-package.R for
# how the two packages' generics answer for each other's objects).  This
# file is named so that R sources it before the files that set methods.

# The generics both packages define with the signature (object, ...).
.nmf_shared_generics <- c("basis", "consensusmap", "basismap", "coefmap",
                          "featureScore", "extractFeatures", "cophcor",
                          "dispersion", "connectivity")

# The "ANY" method of a shared generic: objects nmfkit does not know go to
# NMF's generic of that name when NMF is loaded.
forward_to_nmf_package <- function(generic) {
  force(generic)
  function(object, ...) {
    g <- nmf_package_function(generic)
    if (!is.null(g)) return(g(object, ...))
    stop(generic, "() has no method for an object of class '",
         class(object)[1L], "'", call. = FALSE)
  }
}

nmf_package_function <- function(name) {
  if (!isNamespaceLoaded("NMF")) return(NULL)
  get0(name, envir = asNamespace("NMF"), mode = "function", inherits = FALSE)
}

# TRUE for an object of one of the NMF package's classes.
is_nmf_package_object <- function(x) {
  isNamespaceLoaded("NMF") && isS4(x) &&
    identical(attr(class(x), "package"), "NMF")
}

# Defines a generic of the shared set in nmfkit with its forwarder.
shared_generic <- function(name, where = topenv(parent.frame())) {
  def <- eval(substitute(function(object, ...) standardGeneric(NAME),
                         list(NAME = name)))
  methods::setGeneric(name, def, where = where)
  methods::setMethod(name, "ANY", forward_to_nmf_package(name), where = where)
  invisible(name)
}

for (name in .nmf_shared_generics) shared_generic(name)
rm(name)
