"""Image patches for patch-based dictionary learning: scikit-learn's functions, with inputs
checked by name."""

from sklearn.feature_extraction import image as _sk_image

from .._checks import check_named_array


def extract_patches_2d(image, patch_size, *, max_patches=None, random_state=None):
    """All (or a random subset of) the ``patch_size`` patches of a 2-D image.

    The patches overlap: one per position of the patch's top-left corner, in row-major order.
    Computed by scikit-learn's ``sklearn.feature_extraction.image.extract_patches_2d``, after a
    check of ``image`` whose errors name it.

    Parameters
    ----------
    image : array-like of shape (height, width) or (height, width, n_channels)
        The image; finite real values.
    patch_size : tuple of int (patch_height, patch_width)
        Size of a patch, at most the image's.
    max_patches : int or float, default=None
        Number of patches drawn at random (an int), or that fraction of all patches (a float in
        (0, 1)); None extracts all.
    random_state : int, RandomState instance or None, default=None
        Seed of the random draw when ``max_patches`` is set.

    Returns
    -------
    patches : ndarray of shape (n_patches, patch_height, patch_width) or \\
(n_patches, patch_height, patch_width, n_channels)

    See Also
    --------
    reconstruct_from_patches_2d : The inverse: average overlapping patches into an image.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.decomposition import extract_patches_2d
    >>> image = np.arange(16.0).reshape(4, 4)
    >>> extract_patches_2d(image, (2, 2)).shape  # 3 x 3 positions
    (9, 2, 2)
    """
    image = check_named_array(image, "image", ndim=(2, 3))
    return _sk_image.extract_patches_2d(image, patch_size, max_patches=max_patches,
                                        random_state=random_state)


def reconstruct_from_patches_2d(patches, image_size):
    """The image whose overlapping patches are ``patches``, each pixel the mean of its patches.

    The inverse of :func:`extract_patches_2d` with all patches (in its order): the patches of
    a denoised or coded image go back to one image. Computed by scikit-learn's
    ``sklearn.feature_extraction.image.reconstruct_from_patches_2d``, after a check of
    ``patches`` whose errors name it.

    Parameters
    ----------
    patches : array-like of shape (n_patches, patch_height, patch_width) or \\
(n_patches, patch_height, patch_width, n_channels)
        All the patches of the image, in :func:`extract_patches_2d`'s order.
    image_size : tuple of int (height, width) or (height, width, n_channels)
        Size of the image to rebuild.

    Returns
    -------
    image : ndarray of shape image_size

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.decomposition import extract_patches_2d, reconstruct_from_patches_2d
    >>> image = np.arange(16.0).reshape(4, 4)
    >>> patches = extract_patches_2d(image, (2, 2))
    >>> bool(np.allclose(reconstruct_from_patches_2d(patches, (4, 4)), image))
    True
    """
    patches = check_named_array(patches, "patches", ndim=(3, 4))
    return _sk_image.reconstruct_from_patches_2d(patches, image_size)
