"""
Image denoising with a learned dictionary
=========================================

Learn 100 atoms on 7x7 patches of the noisy half of an image with
``MiniBatchDictionaryLearning``, code the patches with OMP (2 atoms) and rebuild the image, as
scikit-learn's denoising example does.
"""
from pathlib import Path
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_sample_image

from sparselearn.decomposition import (MiniBatchDictionaryLearning, extract_patches_2d,
                                       reconstruct_from_patches_2d)

####################################################################################################
# A noisy grayscale image
image = load_sample_image("china.jpg").mean(axis=2)[::4, ::4] / 255.0
rng = np.random.default_rng(0)
noisy = image + 0.075 * rng.standard_normal(image.shape)

####################################################################################################
# Learn the dictionary on patches
patch_size = (7, 7)
patches = extract_patches_2d(noisy, patch_size).reshape(-1, 49)
mean = patches.mean(axis=1, keepdims=True)
train = patches[rng.choice(len(patches), 10_000, replace=False)]
train = train - train.mean(axis=1, keepdims=True)
dl = MiniBatchDictionaryLearning(100, alpha=0.5, batch_size=256, max_iter=5,
                                 transform_algorithm="omp", transform_n_nonzero_coefs=2,
                                 random_state=0).fit(train)

####################################################################################################
# Denoise: code every patch with 2 atoms and average the overlapping patches
codes = dl.transform(patches - mean)
denoised = reconstruct_from_patches_2d((codes @ dl.components_ + mean).reshape(-1, *patch_size),
                                       image.shape)
psnr = [10 * np.log10(1.0 / np.mean((im - image) ** 2)) for im in (noisy, denoised)]

fig, axes = plt.subplots(1, 3, figsize=(12, 4))
axes[0].imshow(noisy, cmap="gray")
axes[0].set_title(f"noisy ({psnr[0]:.1f} dB)")
axes[1].imshow(denoised, cmap="gray")
axes[1].set_title(f"denoised ({psnr[1]:.1f} dB)")
atoms = np.zeros((10 * 8, 10 * 8))
for k, atom in enumerate(dl.components_):
    r, c = divmod(k, 10)
    atoms[r * 8:r * 8 + 7, c * 8:c * 8 + 7] = atom.reshape(patch_size)
axes[2].imshow(atoms, cmap="gray")
axes[2].set_title("learned atoms")
for ax in axes:
    ax.axis("off")
fig.tight_layout()
fig.savefig(Path(__file__).with_suffix(".png"))
