"""
Image denoising with a learned dictionary
=========================================

Learn 100 atoms on 7x7 patches of a noisy image with ``MiniBatchDictionaryLearning``, code
every patch with orthogonal matching pursuit until its residual reaches the noise level, and
average the overlapping patches back into an image (the K-SVD denoising recipe of Elad &
Aharon, 2006, with an online dictionary as in scikit-learn's denoising example).
"""
from pathlib import Path
import sys

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_sample_image

from sparselearn.decomposition import (MiniBatchDictionaryLearning, extract_patches_2d,
                                       reconstruct_from_patches_2d)

####################################################################################################
# A noisy grayscale image
# -----------------------
# Gaussian noise of standard deviation ``sigma = 0.075`` on intensities in [0, 1].
image = load_sample_image("china.jpg").mean(axis=2)[::3, ::3] / 255.0
rng = np.random.default_rng(0)
sigma = 0.075
noisy = image + sigma * rng.standard_normal(image.shape)

####################################################################################################
# Learn the dictionary on patches of the noisy image
# --------------------------------------------------
# Each patch has its mean removed (the mean is added back after coding). The stopping rule of
# the coding step is the expected squared norm of the noise on a patch, ``n_pixels * sigma^2``,
# with the usual margin of 1.15 (``transform_alpha`` is OMP's target squared residual norm, as
# in scikit-learn).
patch_size = (7, 7)
n_pixels = patch_size[0] * patch_size[1]
patches = extract_patches_2d(noisy, patch_size).reshape(-1, n_pixels)
mean = patches.mean(axis=1, keepdims=True)
patches = patches - mean
train = patches[rng.choice(len(patches), 10_000, replace=False)]
dl = MiniBatchDictionaryLearning(100, alpha=0.5, batch_size=256, max_iter=5,
                                 transform_algorithm="omp",
                                 transform_alpha=n_pixels * (1.15 * sigma) ** 2,
                                 random_state=0).fit(train)

####################################################################################################
# Denoise
# -------
# Code every patch, rebuild it from its atoms and average the overlapping patches.
codes = dl.transform(patches)
denoised = reconstruct_from_patches_2d((codes @ dl.components_ + mean).reshape(-1, *patch_size),
                                       image.shape)
psnr = [10 * np.log10(1.0 / np.mean((im - image) ** 2)) for im in (noisy, denoised)]
print(f"PSNR: noisy {psnr[0]:.1f} dB, denoised {psnr[1]:.1f} dB; "
      f"{np.count_nonzero(codes, axis=1).mean():.1f} atoms per patch on average")

fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
axes[0].imshow(noisy, cmap="gray", vmin=0, vmax=1)
axes[0].set_title(f"noisy ({psnr[0]:.1f} dB)")
axes[1].imshow(denoised, cmap="gray", vmin=0, vmax=1)
axes[1].set_title(f"denoised ({psnr[1]:.1f} dB)")
atoms = np.ones((10 * 8 - 1, 10 * 8 - 1))
for k, atom in enumerate(dl.components_):
    r, c = divmod(k, 10)
    atom = (atom - atom.min()) / np.ptp(atom)
    atoms[r * 8:r * 8 + 7, c * 8:c * 8 + 7] = atom.reshape(patch_size)
axes[2].imshow(atoms, cmap="gray")
axes[2].set_title("the 100 learned atoms")
for ax in axes:
    ax.axis("off")
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_suffix(".png"))
