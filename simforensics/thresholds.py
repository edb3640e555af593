"""Every number that decides an outcome, with the reason for its value.

They live here, not in the modules that use them, so a reviewer (or opposing counsel) can read
all of them on one page. Values derived from statistics of random images are preferred over
values tuned to our benchmark; where a value was checked on the benchmark, it says so.
"""

from __future__ import annotations

# ---------------------------------------------------------------- evidence (evidence.py)

# 250 megapixels: above the largest phone and camera sensors in use (200 MP, 16320 x 12240) and
# large scans, while a decompression bomb (a 60000 x 60000 header is 3600 MP) is refused from its
# header alone. At this limit the decoded RGB array is at most 750 MB. (--max-pixels)
DEFAULT_MAX_PIXELS = 250_000_000

# ---------------------------------------------------------------- alignment (align.py)

# Longest side at which local features are detected. SIFT doubles the image internally, so
# keypoints at this size are still accurate to a fraction of a pixel (the benchmark's 4000 x 3000
# pair: corners within 0.03 px at 512, as at 640 and 800), and detection takes under 0.1 s per
# image on one core (0.15 s at 640: the cost grows with the area).
FEATURE_SIDE = 512

# Keypoints kept per image: enough for crops to 40 % of the area to keep hundreds of matches,
# few enough for brute-force matching (exact and deterministic, unlike randomised KD-trees).
FEATURE_COUNT = 2000

# Lowe's ratio test (Lowe 2004, IJCV, section 7.1): 0.8 rejects 90 % of false matches while
# discarding under 5 % of correct ones.
RATIO_TEST = 0.8

# RANSAC inlier distance, in pixels at FEATURE_SIDE: SIFT localisation plus JPEG-40 noise stays
# within 1-2 px; 3 px is the usual OpenCV default for this reason.
RANSAC_THRESHOLD_PX = 3.0

# Fewest inliers for "aligned". Unrelated pictures give 4-5 RANSAC inliers by chance
# (../shared/research/models.md, SIFT+RANSAC column); 15 is three times that.
MIN_INLIERS = 15

# And at least this share of the ratio-test matches must be inliers: chance matches between
# unrelated pictures scatter, while a true copy's matches agree on one transform.
MIN_INLIER_RATIO = 0.2

# A homography replaces the similarity model only when it is clearly better: this many times the
# inliers. Scale, crop, rotation and mirror are all similarities; a homography fitted to them
# only fits noise, and it distorts corners.
HOMOGRAPHY_GAIN = 1.25
# ... and by at least 8 more: two for each of the four degrees of freedom a homography adds. On
# a few dozen noisy matches (a restyled copy: 15 agreeing on a similarity), a homography gathered
# 19, a quarter more by chance, and tilted the copy's corners by several pixels ("rotated by -0.6
# degrees" for a copy that was not turned at all).
HOMOGRAPHY_MIN_EXTRA = 8
# A homography also replaces the similarity when it holds at least as many inliers, at least
# HOMOGRAPHY_PRECISE_INLIERS, and its median residual is at most HOMOGRAPHY_PRECISE_RATIO of the
# similarity's, that being at least HOMOGRAPHY_PRECISE_FROM px (at FEATURE_SIDE). A slight angle
# keeps every match within RANSAC's 3 px of a similarity, a pixel or more off it: blurred, noisy
# photographs of a screen, 1.4-1.7 px against the homography's 0.6-0.8 (0.35-0.53 of it), and
# the change detector found 14 false areas in one. On 46 copies of shipped photographs that are
# similarities (crops, turns, resizes, sepia, frames, moire, grids) the homography's residual was
# 0.9-1.24 of the similarity's, which was 0.07-0.45 px; and 60 inliers keep a restyle's few dozen
# noisy matches out (HOMOGRAPHY_MIN_EXTRA's reason).
HOMOGRAPHY_PRECISE_INLIERS = 60
HOMOGRAPHY_PRECISE_FROM = 0.5
HOMOGRAPHY_PRECISE_RATIO = 0.6
# A general affine (width and height scaled apart) replaces the similarity when, on the
# similarity's inliers (at least AFFINE_MIN_INLIERS, HOMOGRAPHY_PRECISE_INLIERS' reason), its two
# extra parameters cut the squared residuals by an F statistic of at least AFFINE_MIN_F, and it
# moves some matched point at least AFFINE_MIN_MOVE_PX (FEATURE_SIDE px) from the similarity's
# place. Measured on 11 shipped photographs: copies that are similarities (JPEG 60, turned 3
# degrees, cropped, blurred, noisy, cartooned, oil-painted) gave F -3 to 4.4 (the 99.9th
# percentile of F(2, n) is about 7); resizes to 0.6 with their sides rounded to whole pixels,
# which do scale the axes 0.1-0.3 % apart, F up to 91 but moved points 0.08-0.43 px (harmless
# either way); copies resized to a set size 0.3 % off the aspect F 10-3931, moved 0.13-1.12 px;
# 0.5 % off F 195-4662, moved 0.7-1.1 px, where the similarity left the astronaut's helmet rim
# "redrawn" at the picture's edge. Below half a feature pixel the change detector (at 640 px)
# sees no misfit. The homography is weighed first, against the similarity (its thresholds were
# measured so): from about 1 % off the aspect it gathers clearly more matches and is taken.
AFFINE_MIN_INLIERS = HOMOGRAPHY_PRECISE_INLIERS
AFFINE_MIN_F = 20.0
AFFINE_MIN_MOVE_PX = 0.5

# Accept transforms that scale between 1/16 and 16: a gallery thumbnail of 250 px of a 4000-px
# photograph is 16x (the task asks for 0.25-4x). The comparison runs at the smaller picture's
# resolution, and the alignment still needs MIN_INLIERS agreeing matches in it, which a
# 120-px thumbnail gives (46 of 55 for a 1800-px original) and one of 48 px no longer does.
MAX_SCALE_RATIO = 16.0

# A pixelated picture (pixelation.py): adjacent lines whose mean difference is at most
# PIXELATED_SAME of the 90th percentile's are the same. A nearest-neighbour enlargement's lines
# within a block are exactly equal (0), and a JPEG of one at quality 60-80 keeps blocks of 8 px
# at 0-0.03 of it; a photograph's, a page's and a logo's adjacent lines were all above it but
# blank margins. It is pixelated when along both axes at least PIXELATED_MIN_SAME of the pairs
# are the same, in at least PIXELATED_MIN_BLOCKS blocks whose median side is PIXELATED_MIN_BLOCK
# px or more, PIXELATED_REGULAR of them within a pixel of it: a mosaic's blocks are even, a
# page's blank runs are not (shipped pictures, JPEGs of them: median run 1). Blocks of 2 px are
# left alone: an old picture enlarged twice (scikit-image's moon is one) is no effect.
PIXELATED_SAME = 0.1
PIXELATED_MIN_SAME = 0.5
PIXELATED_MIN_BLOCKS = 8
PIXELATED_MIN_BLOCK = 3
PIXELATED_REGULAR = 0.9

# A camera lens's bend of a copy (lens.py), found from the alignment's matches:
# - at least this many matches, and this many far from the centre (beyond LENS_FAR of the
#   half-diagonal), where a bend shows and where it is judged: a radial parameter fitted to a few
#   central points fits noise (a blurred, noisy photograph of a screen gave 76-340 matches);
LENS_MIN_POINTS = 60
LENS_MIN_FAR_POINTS = 30
LENS_FAR = 0.6
# - and at most this many of them, a fixed random sample: each step of the search refits a
#   homography (0.45 ms on 1,000 points, 0.16 ms on 300), and 300 put the median's error far
#   under the bends kept;
LENS_MAX_POINTS = 300
# - the matches taken in: within this many RANSAC distances of the fit. A bend of 5 px at the
#   corners leaves them 3-6 px off the best homography, past RANSAC's 3 px; a local edit's
#   matches lie anywhere, and most stay out;
LENS_LOOSE_THRESHOLD = 3.0
# - searched up to this bend at the corners (copy pixels), in this many steps. A phone's lens,
#   corrected by its camera app, leaves a few pixels; 24 px is an uncorrected wide angle's at this size;
LENS_MAX_BEND = 24.0
LENS_SEARCH_STEPS = 25
# - kept only when it moves the corners at least this far (ORIGINAL pixels): the change detector
#   absorbs up to about a pixel of misregistration (copies bent 1.3 px at the corners had no false
#   area; 2.6 px gave 2), and below it a bend is not worth resampling the copy for;
LENS_MIN_BEND_PX = 1.5
# - and only when it explains the far matches clearly better: their median residual at least this
#   share lower than the straight fit's. SIFT's own noise is the rest (0.1-0.4 px; up to 1.1 px on
#   a blurred, noisy photograph of a screen): on 28 unbent copies of shipped photographs (crops,
#   turns, sepia, frames, moire, 2 x 2 grids, photographs at an angle, local edits) the bend found
#   gained at most 0.18 of it (0.06 where it reached LENS_MIN_BEND_PX), on 24 bent ones 0.25-0.88
#   (three blurred, noisy photographs of a bent screen 0.28-0.33);
LENS_MIN_GAIN = 0.2
# - fixed-point steps inverting the radial model (each gains about two decimals at |k| <= 0.07).
LENS_INVERSE_STEPS = 5

# When the plain (unmirrored) match already has this many inliers, the mirrored test is skipped:
# a mirror image matches its original with chance-level inliers only (SIFT is not mirror
# invariant), so a strong plain match rules a mirror out.
DECISIVE_INLIERS = 60

# A border line counts as uniform padding when 98 % of its pixels lie within this many levels of
# its median colour: JPEG ringing next to a flat border stays within about 10 levels at q40.
PADDING_TOLERANCE = 12
PADDING_LINE_SHARE = 0.98
# At most this share of each side is trimmed as padding: a picture is more than its border, and
# a "border" of half the picture is a flat picture's own content.
PADDING_MAX_SHARE = 0.45
# A copy's uniform border is the original's own frame, and compared as picture, when this share
# of it matches the original there within 3 x PADDING_TOLERANCE (JPEG on both sides, and the
# nearest-pixel warp of the border's edge), in colour or in grey level (a grey copy of a flag).
PADDING_IN_ORIGINAL_SHARE = 0.9

# The equaliser before SIFT (align.equalised): CLAHE lets a grey level's bin hold at most this many
# times its even share, so it raises a tile's contrast at most about this many times. A picture
# whose grey levels span less than 1/EQUALISE_CLIP_LIMIT of the scale therefore stays low in
# contrast after it, and a further loss of contrast in a copy (a tint, a fade) is not undone: a
# soft fabric's weak detail then drops under SIFT's contrast threshold in the copy only (the flat
# benchmark's tinted fabric thirds: 0-18 keypoints against 500-900 on the original).
EQUALISE_CLIP_LIMIT = 2.0
# A picture's grey range: between these percentiles (a few stray pixels do not widen it).
GREY_RANGE_PERCENTILES = (0.5, 99.5)

# Flat pictures (wallpapers, gradients, soft fabric). The fallbacks below run only when the normal
# path fails and both pictures have fewer SIFT keypoints than this at FEATURE_SIDE: photographs
# give 1000-2000 there (the corpus's originals: 457-2000, median about 1500), flat pictures 0-400
# (scikit-image's clock: 11, cell: 168). A textured pair that fails has failed for a reason no
# lower threshold changes; a textured original against a flat copy may be a restyle (an oil
# painting of it: 51-159 keypoints), which the fallbacks would align and call locally edited.
# Skipping both keeps compare and scan as fast as before.
FLAT_KEYPOINTS = 400
# ... and both pictures' shorter side is at least this (preview pixels): AKAZE fails on smaller
# ones, and the dense search needs 12-px templates at a third of the side.
FLAT_MIN_SIDE = 36
# SIFT's contrast threshold for the first fallback: a quarter of OpenCV's 0.04, so the weak
# extrema of a soft picture count (the ratio test and MIN_INLIERS still judge the matches).
FLAT_SIFT_CONTRAST = 0.01
# AKAZE's detector threshold for the second fallback: a tenth of OpenCV's 0.001 (its nonlinear
# scale space keeps soft edges that SIFT's Gaussian one blurs away).
FLAT_AKAZE_THRESHOLD = 0.0001
# Dense registration (align_dense.py): the search for the smaller picture inside the larger runs at
# this longest side (a 96-px copy keeps a wallpaper's soft shapes; 36 sizes x 2 orientations x 2
# roles cost milliseconds), and ECC refines at DENSE_SIDE (sub-pixel there is within a pixel of a
# 1000-px original).
DENSE_SEARCH_SIDE = 96
DENSE_SIDE = 256
# Sizes searched: the smaller picture from this share of the larger's side up to all of it, in
# DENSE_SIZE_STEPS geometric steps (4 % apart; ECC refines the scale in between). A copy under a
# quarter of the side (a sixteenth of the area) of a flat picture has too little in it to place.
DENSE_MIN_SIDE_SHARE = 0.25
DENSE_SIZE_STEPS = 36
# Templates smaller than this (search pixels) are not tried: too few samples to place.
DENSE_MIN_TEMPLATE = 12
# Positions refined by ECC: the best few of the search by correlation, and as many by significance
# (align_dense._search; each one more costs an ECC run on every unrelated flat pair).
DENSE_HYPOTHESES = 4
# Correlations are capped here before Fisher's z (atanh grows without bound at 1): above it, a
# template's match is as good as exact and its size alone ranks it.
DENSE_MAX_CORRELATION = 0.999
DENSE_ECC_ITERATIONS = 60
# Detail compared: a difference of Gaussians from DENSE_DETAIL_FINE px (JPEG and pixel noise
# out) to DENSE_DETAIL_COARSE of the side (a gradient's shading out: it matches anything).
DENSE_DETAIL_FINE = 1.0
DENSE_DETAIL_COARSE = 1 / 24
# A template whose detail varies by less than this (grey levels, standard deviation) is flat at
# that size: skipped (its correlation is undefined).
DENSE_MIN_DETAIL = 0.05
# A refined affine whose two singular values differ by more than this is no copy: rounding a
# resize to whole pixels changes the aspect by at most 2 % on sides of 100 px and more (one side
# up, the other down), and ECC's own noise adds under 1 %. Beyond it, ECC has drifted along a
# direction the detail leaves free (a 4 % stretch moved a soft wallpaper's corners by 5 px), and
# the registration is tried again on the detail alone.
DENSE_MAX_ANISOTROPY = 1.03
# Fewest overlapping working pixels to judge agreement on (a 40 x 40 patch at DENSE_SIDE).
DENSE_MIN_PIXELS = 1600
# A thumbnail (align._whole_picture): when local features fail and the smaller picture's longer
# side is at most THUMBNAIL_MAX_SIDE px (SIFT keeps too few keypoints there: a 48-px thumbnail of
# a photograph gives under MIN_INLIERS matches, a 64-px one about 24), the copy is tried as the
# whole original resized, its width and height each rounded to a whole pixel, so their aspect
# ratios agree within THUMBNAIL_ASPECT_PX of the smaller picture's pixels. It is the same picture
# when the detail agrees (DENSE_MIN_CORRELATION) at the smaller picture's size, from
# DENSE_DETAIL_FINE px to THUMBNAIL_DETAIL_COARSE of its side. Measured on 18 shipped pictures,
# PNG and JPEG q60 thumbnails against 612 unrelated pairs of the same aspect, as is and mirrored:
# thumbnails 0.93-1.00 at 48 px longest side, 0.68-1.00 at 32 px; unrelated pairs at most 0.50
# at 24-100 px. A thumbnail under THUMBNAIL_MIN_SIDE px on its shorter side has too few pixels to
# tell: chance correlations grow as the pixels fewer (0.50 already at 24 x 16 px).
THUMBNAIL_MAX_SIDE = 128
THUMBNAIL_MIN_SIDE = 16
THUMBNAIL_ASPECT_PX = 1.0
THUMBNAIL_DETAIL_COARSE = 1 / 8
# The detail must run in more than one direction where the pictures overlap (smaller over larger
# eigenvalue of its structure tensor): a linear ramp's banding runs one way and fixes no position
# along it (0.0); wallpapers' detail curves and crosses (0.14-0.51 on the benchmark's).
DENSE_MIN_ISOTROPY = 0.05
# ... unless moving the copy by the band's coarse scale (DENSE_DETAIL_COARSE) along the direction
# the detail varies least costs this much of the correlation or more: something fixes the position
# along it. A flag's stripes with its round emblem (isotropy 0.03): 0.055-0.061 for its JPEG,
# crop, grey and mirrored copies; a linear ramp's banding, cropped: 0.0 or less.
DENSE_MIN_SHIFT_LOSS = 0.02
# Agreement needed: correlation of the two pictures' detail where they overlap, after the search
# and ECC have made the most of it. Measured (seeded wallpapers, benchmarks/compare/flat.py): true
# copies (crop to a third, mirror, tint, rescale, JPEG) 0.84-1.00, the faintest a faded soft-focus
# copy JPEG'd at q58; unrelated flat pairs (120, every kind against every kind, with no threshold)
# at most 0.44, most never converge. 0.7 lies between; the chance level falls as the overlap grows
# (each blob of detail is one sample). With it, 0 of 120 unrelated flat pairs align.
DENSE_MIN_CORRELATION = 0.7

# ---------------------------------------------------------------- hashes (fingerprints.py)

# Every hash reduces the picture to at most 64 x 64 samples; area-averaging it to this side first
# (as PDQ's reference pipeline does) changes no hash materially and keeps 12-MP inputs fast.
HASH_THUMBNAIL_SIDE = 512
# wHash and the colour hash, which are shown and never counted (verdict.py relates pictures by
# pHash, outline pHash and PDQ), read this smaller thumbnail: wHash (imagehash removes the
# lowest Haar band and keeps the 8 x 8 one) is whether each of 8 x 8 blocks is brighter than
# their median, which 64 px resolve as well as 512; the colour hash counts shares of hue and
# saturation. From 512 px the two took 26 of compute_hashes' 40 ms (pywt's transforms at 512 x 512).
HASH_SHOWN_SIDE = 64

# ---------------------------------------------------------------- change localisation (changes.py)

# A copy turned by more than this (degrees, away from a right angle) onto a larger canvas has
# fill in its corners (changes._rotation_fill). Below, the corners' triangles are under a pixel
# wide on a 1000-px picture (tan 0.1 degrees x 1000 = 1.7 px at most) and the border margin
# already keeps them out.
FILL_MIN_ROTATION = 0.1
# The fill of a turned copy is looked for only in its canvas's corner triangles, found from the
# rotation and the canvas; their edge is placed to 2 px plus this share of the longer side: the
# turned picture's edge is interpolated over 1-2 px, its canvas size rounded, and the trimming of
# uniform lines (align.content_box) takes up to 1 % of a side off a canvas turned 45 degrees.
FILL_EDGE_TOLERANCE = 0.015

# Longest side of the frame in which differences are measured: fine enough for a signature
# stroke, coarse enough that resampling and JPEG noise average out, and small enough that a
# 12-MP pair is compared in well under a second (one cell is 6 pixels of a 4000-px original).
CHANGE_SIDE = 640

# A pixel is changed when its difference exceeds the median over the covered area by this many
# robust standard deviations (1.4826 x MAD). Global operations (JPEG, resampling, colour) raise
# the whole distribution and are absorbed; a local edit is an outlier. 6 sigma keeps the chance
# of a false pixel under 1e-8 for Gaussian noise; morphology then removes isolated ones.
OUTLIER_SIGMAS = 6.0

# Floors under the adaptive thresholds, so a near-perfect copy (tiny MAD) does not turn
# invisible differences into "changes". Structure: 1 - SSIM of 0.25 is a clearly visible
# change of local pattern. Colour: 12 levels of RGB distance after the global colour mapping,
# about 5 CIE76 units, the "clearly noticeable" level.
MIN_STRUCTURE_CHANGE = 0.25
MIN_COLOUR_CHANGE = 24.0

# Colour differences count more in dark and nearly grey places: the same recolour (a hue
# turned, a chroma changed) moves a dark or greyish pixel's values by a fraction of what it moves
# a bright, colourful one's, since its channels are at most its lightness and differ by its
# chroma. The chromatic part of a difference (off the grey axis) is multiplied by
# (DARK_REFERENCE + DARK_OFFSET) / (Y + DARK_OFFSET) x (LOW_CHROMA_REFERENCE + LOW_CHROMA_OFFSET)
# / (C + LOW_CHROMA_OFFSET), between 1 and DARK_MAX_GAIN, where Y and C are the local grey level
# and chroma (the larger of the two pictures'): a pixel at mid-grey (128) with a garment's chroma
# (48) counts as before, a dark grey cloak (Y 40, C 15) as 2.5 times. The offsets keep the gain
# finite where JPEG's absolute colour noise is largest relative to the pixel (deep shadows, grey
# skies), and the cap keeps that noise under the floor MIN_COLOUR_CHANGE there. Lightness is
# left out: blur and resampling change it at a bright detail in a dark place (a star).
DARK_REFERENCE = 128.0
DARK_OFFSET = 32.0
LOW_CHROMA_REFERENCE = 48.0
LOW_CHROMA_OFFSET = 16.0
DARK_MAX_GAIN = 2.5
# ... where the original is flat: at ACTIVITY (ACTIVITY_SCALE's measure) of this many levels per
# pixel the extra weight is halved. JPEG's colour error at a small bright or coloured detail in
# a dark place (a star at quality 47) is as large as a dark recolour, and must not be weighed up.
DARK_FLAT_ACTIVITY = 16.0

# Structure loss (detail the original has and the copy lacks, changes._detail_loss): the finest
# detail is the picture less its blur at sigma 1.5 (SSIM's window; after the 0.8 prefilter, the
# band of 1-3 pixel detail that a painted-out patch lacks and a 0.6-1.2 blur only weakens). An
# area has lost detail when half of its detail is gone (a painted-out ornament loses nearly all
# of it) and the loss is an outlier of its own pair (OUTLIER_SIGMAS). A global blur, JPEG or
# downscale is divided out first; a copy keeping under DETAIL_MIN_KEPT of the detail overall
# has too little left to tell a local loss from the global one.
CHANGE_DETAIL_SIGMA = 1.5
# A copy softer than its original over the whole picture (blurred, or enlarged from a smaller
# picture) is compared with the original blurred as much: by the smallest of these sigmas that
# leaves the copy at least COPY_BLUR_MATCH of the original's fine detail (median ratio, relative
# to the ratio in the band from sigma 1.5 to CHANGE_COARSE_SIGMA, which a contrast change scales
# alike and a blur hardly touches), so
# resampling's colour mixing at detail (a star in a night sky) is not taken for a change. The
# steps span the blurs a copy may show in the working frame (4.0: a repost enlarged from an eighth
# of its size); 0.8 is JPEG's own loss of detail.
COPY_BLUR_STEPS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0)
COPY_BLUR_MATCH = 0.8
# That first blur is the least that matches; a copy softened more (enlarged from a sixth of its
# size, blurred by 3 px) keeps its pattern only at a stronger one. From it, the steps go on while
# the pictures' structure agrees better: the mean contrast-structure change over the detailed
# pixels, less its top COPY_BLUR_TRIM (a local edit's own, which no blur explains). On four shipped
# photographs enlarged from a sixth and an eighth, or blurred by 3 and 5 px, it fell to 0.002-0.013
# at the right blur, from 0.03-0.08 at the first; restyles (oil, stylisation) stayed at 0.18-0.34.
# Each stronger step must cut it to COPY_BLUR_GAIN of the last or less: there, each step cut it to
# 0.43-0.72. A slighter gain comes from blurring away some of a turned copy's uneven interpolation
# softness, not its own, and the sharper spots left then stand out (a copy turned by 40 degrees
# went 0.038 -> 0.032 at 0.75 px, and an unchanged spot of it became a "redrawn" area).
COPY_BLUR_TRIM = 0.1
COPY_BLUR_GAIN = 0.75
# A blur no Gaussian follows (a motion blur's streaks, a defocused lens's disc) is fitted as an
# averaging filter of the pair (blur.py), used instead of the Gaussian when its trimmed
# disagreement is at most COPY_FILTER_GAIN of the Gaussian's: copies of shipped photographs
# blurred along 9 or 13 px fell from 0.016-0.052 at their best Gaussian to 0.002-0.007 with the
# filter (0.09-0.24 of it; a defocus disc 0.43); where a Gaussian is right (copies blurred by
# 2 px), the fitted filter's own noise leaves it no better (1.3-1.4 x), so the Gaussian stays.
COPY_FILTER_GAIN = 0.5
# The filter is fitted only when the Gaussian leaves more than this (its fit and test cost 20-40 ms
# of a 1-MP comparison): copies a Gaussian explains to this had no false area (Gaussian-blurred
# copies 0.0008-0.0012, a defocus disc's 0.0047), motion blurs left 0.016-0.052.
COPY_FILTER_TRY = 0.005
# A blur fitted as a filter (blur.py): its reach spans the Gaussian steps' largest (3 sigma of 4
# working pixels) and a 25-px streak; the regularisation keeps the estimate's noise out of
# frequencies the source hardly holds (a hundredth of its mean power).
BLUR_FILTER_RADIUS = 12
BLUR_FILTER_REGULARISATION = 0.01
# A copy with more fine detail than its original throughout (grain or noise added to launder it,
# or strong sharpening: at least COPY_NOISE_EXCESS x the original's detail energy over the covered
# pixels, relative to the same ratio of the coarser band, which a contrast change scales alike;
# white noise of sd 25 saved at JPEG 90 gives 1.18-1.36 on shipped photographs, a contrast
# change 0.94, JPEG copies 0.9-1.0) is
# compared with both pictures blurred by the least of COPY_NOISE_STEPS at which their pattern
# agrees as a copy's does: the mean structure change, its top COPY_BLUR_TRIM left out, at most
# COPY_NOISE_AGREEMENT (softened copies at their blur: 0.002-0.013). On four shipped photographs
# with noise of sd 25 it fell from 0.47-0.55 to 0.012-0.017 at 2 px; restyles (oil, stylisation,
# pencil, cartoon) stayed at 0.056-0.38 at 2 px, so they remain re-rendered. Stronger noise (sd 40:
# 0.03-0.04 at 2 px) is not taken for a copy's.
COPY_NOISE_EXCESS = 1.15
COPY_NOISE_STEPS = (1.0, 1.5, 2.0)
COPY_NOISE_AGREEMENT = 0.02
# A copy filtered throughout by a denoiser, a beauty filter or an edge-preserving smoothing
# (non-local means, bilateral, edge-preserving filters) flattens low-contrast texture and keeps
# edges, and where texture was richest it read "redrawn" (shipped photographs: 1-4 areas). Such
# an area is left out (changes._without_texture_lost_throughout) when the copy keeps under
# TEXTURE_FLAT_KEPT of the original's fine-detail energy there (a quarter of the energy: half the
# amplitude), when it flattens so at least TEXTURE_FLAT_ELSEWHERE of the original's detail of a
# like level at least TEXTURE_AWAY px from every area (the filter's work throughout: copies edited
# in places flattened 0-1 % elsewhere, three times that is a filter's; the filtered copies 6-43 %),
# and when nothing in it differs beyond the pair's levels with both pictures blurred by one of
# COPY_NOISE_STEPS (heavy JPEG flattens texture throughout too: that test keeps its edits).
TEXTURE_FLAT_KEPT = 0.25
TEXTURE_FLAT_ELSEWHERE = 0.03
TEXTURE_AWAY = 15
CHANGE_COARSE_SIGMA = 4.0
MIN_DETAIL_LOSS = 0.5
DETAIL_MIN_KEPT = 0.2

# Local colour activity (mean gradient, levels per pixel) at which a colour difference counts
# half: JPEG quantises detail harder than flat areas, and a 0.3-pixel resampling error at an edge
# of 32 levels per pixel is a 10-level colour difference by itself.
ACTIVITY_SCALE = 32.0

# Second, lower threshold that grows a detected area to its true outline (hysteresis): pixels
# within the grown area that differ by more than this fraction of the detection threshold.
OUTLINE_FRACTION = 0.5

# Outline at pixel level: a pixel inside a found area is part of the change when its own
# difference (max over channels, after the global colour mapping, smoothed sigma 1.5) exceeds
# this floor or its pair's outlier level. 12 levels is the "clearly visible" colour step above.
MIN_PIXEL_CHANGE = 12.0
# The pixels whose own pattern changed (beyond what the differing pixels' halo explains) are
# kept as well, at the detection levels: no share of differing pixels decides between values and
# pattern (a faint watermark's strokes differ in under 30 % of their detection outline).

# Smallest changed area kept, as a share of the covered area: 0.05 % of a 768 x 768 frame is
# about 300 pixels, a 17 x 17 px square, the size of a small signature glyph cluster. In a small
# frame, never fewer pixels than MIN_CHANGE_PIXELS (a 4 x 4 blot): a few pixels of noise that
# survived the opening are not an area. A hole in a found area is filled unless it is that large
# and unchanged (changes._fill_changed_holes): then it is a place of its own, such as a letter's loop.
MIN_CHANGE_AREA = 0.0005
# ... and only when the mask around it is a stroke: its outside lies within this many working-frame
# pixels of the hole (a thick watermark letter, up to 10 px at the working size, with the outline's
# reach beside it, CHANGE_OUTLINE_REACH). A hole deeper inside a found area (an unchanged badge on a
# recoloured tank) is part of that area, as the edit's own outline encloses it.
STROKE_RING_WIDTH = 16.0
MIN_CHANGE_PIXELS = 16

# The scales of the change detector, in working-frame pixels (Gaussian sigmas and radii).
# Both pictures are first smoothed at 0.8: resampling and JPEG leave single-pixel differences
# that no edit makes. Structure is compared in SSIM's own window, sigma 1.5 (Wang et al. 2004);
# colour at sigma 2, and the original's detail that weighs colour down at the same scale,
# because JPEG stores colour at half resolution (4:2:0).
CHANGE_PREFILTER_SIGMA = 0.8
CHANGE_STRUCTURE_SIGMA = 1.5
CHANGE_COLOUR_SIGMA = 2.0
# A detection starts on maps smoothed at sigma 3 (a real edit is a coherent area, noise is not),
# after an opening of 1 pixel's reach removes single pixels; it is grown to its outline on maps
# smoothed at sigma 1, at most 6 pixels beyond the detected area (the reach of the detection
# smoothing, 2 sigma), and closed with a 3-pixel disc (joins the strokes of one edit). The pixel
# outline (MIN_PIXEL_CHANGE), and the first colour fit's leftovers (below), smooth each pixel's
# difference at sigma 1.5, SSIM's window.
CHANGE_DETECT_SIGMA = 3.0
CHANGE_OPEN_RADIUS = 1
CHANGE_OUTLINE_SIGMA = 1.0
CHANGE_OUTLINE_REACH = 6
CHANGE_CLOSE_RADIUS = 3
CHANGE_PIXEL_SIGMA = 1.5
# Margins: the warped copy's edge pixels are interpolated with what lies beyond, so 2 pixels
# along it are not compared; a detection cannot start within 4 pixels of the covered edge or 5
# of the frame's (the reach of the SSIM window, about 3 sigma of 1.5), since fill, border or
# interpolation from outside reaches that far.
CHANGE_EDGE_MARGIN = 2
CHANGE_DETECT_MARGIN = 4
CHANGE_FRAME_MARGIN = 5
# Fewer covered pixels than this are too few for a median and a MAD: the floors alone decide.
CHANGE_MIN_SAMPLE = 64
# The global colour mapping is fitted roughly first (on the half-size frame, with two tables:
# ROUGH_TABLE_NODES), then finally: the final fit leaves out what a rough one could not explain
# by more than this fraction of the colour threshold, grown by 2 pixels of the half-size frame
# (an edit's soft edge must not bend the mapping).
CHANGE_UNEXPLAINED_FRACTION = 0.5
CHANGE_UNEXPLAINED_GROW = 2
# Each rough fit is made again without the pixels whose residual lies beyond this many robust sd
# of the pair's own (trimmed least squares, as DERIVATION_ADDED_TRIM_K): 2 sd trims a few per cent
# of a global change's pixels and the refit barely moves, while a recolour or banner over a tenth
# of the picture, which bent the first fit toward itself, is left out of the second.
CHANGE_TRIM_SIGMAS = 2.0
# ... and beyond this floor, the clearly visible step of MIN_PIXEL_CHANGE: a lossless copy's
# residual is a fraction of a level, and 2 sd of it would trim a quarter of the picture (every
# colour a small edit bent by a level), leaving those colours to the few pixels not trimmed.
CHANGE_TRIM_FLOOR = 12.0
# ... but only outlier areas of at least this share of the compared pixels are trimmed: an area
# bends the fit only where it holds much of a colour's pixels, and a small one does so only for
# colours found nowhere else (a star, a pupil, under a strong grade that the table follows less
# well there); trimming those leaves the colour's node to the few pixels around them, which a
# grade moves differently. A hundredth of the picture: a small object's, not an edit's that bends
# the fit of colours found across the picture.
CHANGE_TRIM_MIN_AREA = 0.01
# Nodes per axis of the colour mapping's lookup table: 33 is the usual size of a colour-grading
# 3-D LUT (.cube files), flexible enough for curves and hue shifts, too coarse to follow a local
# recolour of one object. They are spaced evenly in the square root of the level
# (changes._lattice_position): 1 level apart near black, 16 at white, where a .cube's are 8
# apart everywhere; a gamma of 0.5 is then a straight line between nodes.
COLOUR_TABLE_NODES = 33
# Tone curves, one per channel at every level (changes._global_tone), go before the table when
# they explain the copy clearly better: Pillow's brightness 1.6 (clipped highlights), contrast 2,
# solarisation, posterisation and equalisation of 7 photographs left 27 of 70 copies
# "locally-edited" with the table alone, 3 with the curves. A level held by fewer than 20 pixels
# (under a hundredth of a per cent of a 640-px working frame) takes the line between its neighbours:
# a handful of one object's pixels does not make its own curve.
CHANGE_CURVE_PIXELS = 20
# Kept when, with the table after them, they leave at most 0.8 of the table's mean residual (a
# fifth less: on the fixtures' standard copies, 5 of 52 kept them: four gamma curves and a
# mirror image, all near-duplicates either way), and a 99th percentile no higher than the table's
# alone. A curve per channel cannot turn colour into grey (each level's median over every colour
# with it), and where it clips it merges colours the table then cannot tell apart: a colour
# picture turned grey with its contrast raised 1.6 times had its mean residual fall from 1.8 to
# 1.3 levels but its 99th percentile rise from 6 to 10, and six areas read changed (measured
# pixel by pixel, before the residuals were smoothed as below; the 5 of 52 still hold).
CHANGE_CURVE_GAIN = 0.8
CHANGE_CURVE_TAIL = 99
# ... the residuals taken at colour's scale (CHANGE_COLOUR_SIGMA): pixel by pixel, a JPEG copy's
# own noise swamped the gain: of 84 copies of six photographs (equalised, solarised, brightened
# 1.6, contrast 2, posterised, gamma 0.7 or untouched; JPEG 85 and 70), 28 read "locally-edited"
# (none of them as PNG); so judged, 1 (the rocket brightened, JPEG 70). And no cell of a
# CHANGE_CURVE_CELLS x CHANGE_CURVE_CELLS grid may see its mean residual rise by more than
# CHANGE_CURVE_CELL_RISE levels: on those copies the worst cell rose 0.24 (JPEG noise on a cell
# of flat sky); curves pulled by a removed watermark's letters (a corpus rocket, JPEG) made the
# rocket's body 1.4 worse and read it "changed", though the mean fell by a third.
CHANGE_CURVE_CELLS = 4
CHANGE_CURVE_CELL_RISE = 0.5
# Then a saturation gain (each colour's distance from its grey, luma, scaled and clipped, as
# Pillow's ImageEnhance.Color and the usual "saturation" sliders do), judged as the curves are:
# the table alone left 10 of 50 copies of five photographs saturated 0.5-2.5 times (PNG and
# JPEG 60) "locally-edited", 6 of them the motorcycle saturated 1.8-2.5 times (3-4 areas where
# its red and orange clip); with the gain, 1 (the rocket 2.2 times at JPEG 60). The gain is the
# median ratio of the copy's chroma vector to the original's, over pixels with at least
# SATURATION_MIN_CHROMA levels of colour (greys give no ratio) and no channel within
# SATURATION_CLIPPED of the ends in the copy (clipped, they give too small a one); it is tried
# only when it differs from 1 by SATURATION_MIN_CHANGE or more (the table follows smaller gains:
# 1.4 times read near-duplicate on all five without it).
SATURATION_MIN_CHROMA = 10.0
SATURATION_CLIPPED = 5
SATURATION_MIN_CHANGE = 0.1
# A second rough fit (which, like the first, only finds what to leave out of the final one) has
# half as many steps, twice as far apart: smooth enough not to follow a recolour of most pixels of
# one narrow band of colours (a dark sky's band at one height turned purple), which a 33-node
# table absorbs and then shows as a change where that band stayed. Of what it leaves
# unexplained, only areas (MIN_CHANGE_AREA) are left out: its coarser steps follow a saturation
# or hue change of a star field's small colourful stars less well, and those must stay in. The
# 33-node rough fit is kept beside it: an object whose colours are found nowhere else (a white
# signature on a black margin) is mapped away by the smoother table, not by the finer one.
ROUGH_TABLE_NODES = 17
# A smooth brightness field (changes._brightness_field): a vignette darkens a copy's corners, a
# graduated filter its sky, by a gain that varies slowly over the picture, which no colour table
# (one mapping for the whole picture) can explain, so the corners were marked recoloured or
# redrawn. The copy's log grey level is fitted as a tone curve of the original's (piecewise
# linear, BRIGHTNESS_FIELD_TONE_NODES) plus a quadratic in the position (a vignette centred
# anywhere, a linear or curved gradient), on about BRIGHTNESS_FIELD_SAMPLES pixels (a regular
# grid, ample for 21 unknowns) whose grey levels lie within BRIGHTNESS_FIELD_LEVELS in both (dark
# pixels' ratios are quantisation noise, clipped ones lost their level), trimmed of pixels beyond
# BRIGHTNESS_FIELD_TRIM_SIGMAS robust sd (a local edit), BRIGHTNESS_FIELD_ROUNDS times.
BRIGHTNESS_FIELD_SAMPLES = 20000
BRIGHTNESS_FIELD_TONE_NODES = 16
BRIGHTNESS_FIELD_LEVELS = (16.0, 250.0)
BRIGHTNESS_FIELD_TRIM_SIGMAS = 2.5
BRIGHTNESS_FIELD_ROUNDS = 5
# The field is taken out of the copy only when its gain varies by more than this share over the
# picture (less moves a white pixel under MIN_COLOUR_CHANGE's 24 levels: nothing to take out) ...
BRIGHTNESS_FIELD_MIN_RANGE = 0.08
# ... and when it explains the pair: the rough colour table's median residual, the field taken
# out, is at most this share of the residual without it. A hue turn, a saturation or gamma change
# moves grey levels by colour, and colours sit in places (a blue sky at the top), so the fit may
# find a field where there is none; a colour table then explains the pair worse with it taken out.
# Measured on nine shipped pictures at 480 and 1024 px: vignettes of 15-50 % (alone or over a hue
# turn) 0.08-0.51, on the mostly black deep-field picture 0.68-0.84 (little to take out there);
# hue, saturation, gamma and brightness-contrast copies, local recolours and pastes 1.08-1.93
# (those whose fitted field passed BRIGHTNESS_FIELD_MIN_RANGE; most did not). Those were measured
# on the samples as they are; the residuals are now measured on samples that average their
# neighbourhood (changes._brightness_field): a photographed print's 30 % vignette under blur,
# noise and JPEG 0.84 as they are, 0.58-0.62 averaged.
BRIGHTNESS_FIELD_MIN_GAIN = 0.8
# ... and when it is global: BRIGHTNESS_FIELD_EXPLAINED_SHARE or more of the fitted pixels lie
# within BRIGHTNESS_FIELD_EXPLAINED_LOG of the field (in log grey level: about 10 % of their
# brightness). A third or half of the picture replaced by another picture is no vignette, but a
# surface bent toward it passed the test above: the brighter half's gain explained the median
# pixel better (a dark sky replaced by a pale wall, a gain of 11 "taken out"), and the replaced
# part was then missed. Four fifths leaves room for a local edit of up to a fifth under a
# vignette. Measured on five shipped pictures at 480 px: vignettes, graduated filters and steep
# vignettes 0.95-0.99, a 5 % paste under a vignette 0.91-0.94, a third or half replaced 0.38-0.71.
BRIGHTNESS_FIELD_EXPLAINED_LOG = 0.1
BRIGHTNESS_FIELD_EXPLAINED_SHARE = 0.8
# A strong vignette (corners at 40 % of the centre's brightness or darker; a sepia filter's) has a
# log gain that falls faster than r^2 toward the corners, so the quadratic left 1-3 "recoloured"
# corners on six shipped pictures. Once a quadratic field is found (above), a steeper one, with
# r^4 and r^6 of the distance from the centre, is fitted and kept when the rough colour table's
# median residual is lower with it taken out: 0 corners then, vignettes of 20-81 % at the corners,
# quadratic, smoothstep or cos^4. It is never fitted where the quadratic found nothing: by itself
# it took in a disc of radius a quarter of the picture brightened by 20 % (4 of 7 pictures then
# near-duplicates) and a darkened ring; local edits under a vignette are still found.
BRIGHTNESS_FIELD_STEEP_POWERS = (4, 6)
# A tone curve that changes across the picture (local_tone.py): local contrast enhancement (CLAHE,
# "enhance" and HDR looks) equalises each tile by its own curve and blends the four nearest
# tiles' curves. Modelled the same way: a curve of LOCAL_TONE_NODES nodes (16 levels apart, as
# the brightness field's tone curve) at each centre of a grid of LOCAL_TONE_TILES tiles along the
# longer side (CLAHE's usual 8), fitted on about LOCAL_TONE_SAMPLES pixels (a regular grid: 20 or
# more per unknown), trimmed of pixels beyond LOCAL_TONE_TRIM_SIGMAS robust sd (a local edit),
# LOCAL_TONE_ROUNDS times. The penalties keep each curve smooth and neighbouring curves alike:
# rows weighted beside the samples' own (weight 1 each), light enough that they decide only
# where a tile lacks a level.
LOCAL_TONE_TILES = 8
LOCAL_TONE_NODES = 16
LOCAL_TONE_SAMPLES = 20000
LOCAL_TONE_TRIM_SIGMAS = 3.0
LOCAL_TONE_ROUNDS = 2
LOCAL_TONE_BEND = 0.6
LOCAL_TONE_NEIGHBOURS = 0.2
# The local curves are used only when the tone varies throughout: in LOCAL_TONE_SHARE of the
# tiles (with LOCAL_TONE_TILE_SAMPLES samples or more) or more, they come closer to the copy's grey
# levels than the global colour mapping does by more than LOCAL_TONE_DEVIATION levels on average
# (about one CIELAB lightness unit, a just-noticeable difference). Half: a filter reaches every
# tile, a local edit the few it lies in (and is left out of the fit where already found). Measured
# by hand on seven shipped photographs: CLAHE at clip 2 and 3 (also re-saved as JPEG) 0.73-1.00
# of the tiles; a pasted patch (4 % of the picture, with or without a gamma change and JPEG) and
# an inpainted one 0.00, a brightened region (dodging, a quarter of the picture's side) 0.03-0.06,
# oil paintings 0.03-0.31; a sharpening 0.10-0.88 and a large-radius unsharp mask ("clarity")
# 0.35-0.97, which change local contrast too.
LOCAL_TONE_TILE_SAMPLES = 50
LOCAL_TONE_DEVIATION = 3.0
LOCAL_TONE_SHARE = 0.5
# A see-through mark laid over the copy (overlay.py: a stock photograph's watermark). Its pixels
# differ from the global colour mapping's prediction by more than OVERLAY_SIGMAS robust sd of the
# pair's own differences (at least MIN_COLOUR_CHANGE): 3, not OUTLIER_SIGMAS, because the mark is
# a fifth to a half of the picture and its own pixels widen that spread. The blend is fitted on
# them as the colour fits are (trimmed beyond OVERLAY_TRIM_SIGMAS robust sd, at least
# OVERLAY_TRIM_FLOOR, OVERLAY_ROUNDS fits). It is a see-through mark when its strokes' opacity is
# OVERLAY_MIN_OPACITY to OVERLAY_MAX_OPACITY (an opaque mark hides what is beneath and is an
# ordinary local edit, found as one; below a tenth, it is the pair's noise), its ink a colour:
# within OVERLAY_INK_SLACK levels of 0-255 (the fitted opacity is a lower bound, soft edges and
# JPEG dilute it, and the ink overshoots white or black: -43 to 310 in measurement), and it
# explains OVERLAY_MIN_EXPLAINED or more of what differs. Its pixels are those moved toward the
# ink by more than OVERLAY_SIGMAS sd of the noise of those moved away from it, and at least
# OVERLAY_MARK_FLOOR levels (a JPEG's error on a smooth area). Measured by hand on marks tiled over
# seven shipped photographs (six each, white and black, 20-50 % opaque, JPEG 80): opacity
# 0.18-0.38, explained 0.97-1.00; their stylised, oil, cartoon and pencil restyles and pasted
# objects (35): explained 0.03-0.97 at opacities from -4.0 to 3.3, one of them within these gates
# (a stylised micrograph, 0.36 and 0.95). What passes is kept only when the copy is then a copy
# beside the mark (changes._through_overlay): that one, and a cartoon's black outlines, which are
# a mark of a kind, leave a re-rendered picture beside them.
OVERLAY_SIGMAS = 3.0
OVERLAY_TRIM_SIGMAS = 3.0
OVERLAY_TRIM_FLOOR = 6.0
OVERLAY_ROUNDS = 3
OVERLAY_MIN_OPACITY = 0.1
OVERLAY_MAX_OPACITY = 0.7
OVERLAY_INK_SLACK = 64.0
OVERLAY_MIN_EXPLAINED = 0.9
OVERLAY_MARK_FLOOR = 6.0
# A colour (a bin of the rough lattice) whose pixels lie within this share of the picture's area
# (the box of their spread) is from one place: too little evidence of a global mapping to let a
# table explain a change there that departs from the other colours' and lost its detail
# (changes._colours_from_one_place). A tenth: a signature, a logo, one object lie within it; a
# global grade shows in colours found across the picture. Colours spread wider are trusted.
CONSISTENT_COLOUR_EXTENT = 0.1
# What the well-spread colours say a colour should change by is their changes averaged with a
# Gaussian of this many rough-lattice nodes (16 levels), reaching twice as far: a colour grade
# is smooth, so near colours change alike; farther off, their global affine trend decides.
CONSISTENT_COLOUR_SIGMA = 1.0
# A picture whose mean chroma (max - min channel, in levels) is under this is greyscale: when
# either picture of a pair is, colour cannot be compared, only structure. A grey picture saved as a colour JPEG keeps 0 (the
# sample pictures at quality 40-95); a toned or nearly grey photograph has a few levels.
COLOUR_MIN_CHROMA = 3.0
# A grey original's colour copy: its colour is compared (against what the colour mapping from
# grey levels predicts, which explains a sepia or duotone of the whole picture) when it is local,
# i.e. its coloured pixels, each grown by GREY_ORIGINAL_COLOUR_REACH, cover at most this share of
# the copy: then colour was laid over part of a grey picture (a tint, a banner, a sticker).
# Colourised copies are coloured all over, and their colours follow the content, not the grey
# levels: compared, they would be "recoloured" in places. Grown, the colour of the 10 shipped
# colour photographs covered 0.84-1.00 of them, the deep-field picture's scattered coloured
# stars (12 % of its pixels) all of it; a tint over a coat, a blue band, a sticker and a banner
# on the grey cameraman 0.05-0.24. The share is DERIVATION_ADDED_MAX_SHARE's reading of local.
GREY_ORIGINAL_LOCAL_COLOUR = 0.3
# ... a pixel carries colour beyond this chroma (max - min channel, levels): a grey picture saved
# as a colour JPEG keeps 0-2 (its chroma planes are flat) ...
GREY_ORIGINAL_COLOUR_LEVEL = 8
# ... and is grown by this share of the picture's longest side: colour scattered over the picture
# merges, a coherent area gains a rim.
GREY_ORIGINAL_COLOUR_REACH = 0.03

# A transparent original against an opaque copy (compare._matte): the copy's pixels behind the
# original's fully transparent ones (at least 1 % of the picture, the smallest area the change
# detector reports as an edit) are one flat fill when their median absolute deviation is within
# 8 levels per channel (a JPEG at quality 50 keeps a flat fill within 2-3; an edge's blend or a
# picture behind spreads tens of levels); the original is then shown on that fill, unless it is
# white within the same 8 levels (the decoder's own background).
MATTE_MIN_SHARE = 0.01
MATTE_MAX_SPREAD = 8.0
# A changed area of a copy with transparent pixels is called "transparent" (not "redrawn") when
# at least this share of its changed pixels are transparent in the copy (or within 7 px of them):
# mostly, so an area that is mostly a redrawn figure keeps its name whatever transparency it borders.
TRANSPARENT_AREA_SHARE = 0.5

# ---------------------------------------------------------------- verdict (verdict.py)

# The similarity score is banded so that it agrees with the label and ranks pairs across
# comparisons: identical 1.0 > near-duplicate > locally-edited > similar > unrelated (from 0). A
# label's measures place the pair inside its band. The edges are the contract's
# (../shared/CONTRACT.md): a copy scores at least LOCALLY_EDITED_SIMILARITY, which is scan's
# default match threshold.
NEAR_DUPLICATE_SIMILARITY = 0.90
LOCALLY_EDITED_SIMILARITY = 0.70
SIMILAR_SIMILARITY = 0.40
# A score stays this far below its band's top: the JSON rounds similarities to 4 digits, and a
# rounded score must never read as the next label's.
SIMILARITY_BAND_MARGIN = 0.0001

# ---------------------------------------------------------------- a copy reduced to a palette
# (simforensics/palette_reduction.py). A copy of at most 64 colours (posterised, a GIF of few
# colours; at 256 and at 64 the change detector already finds no false area, at 32 and 16 it marked
# merged details such as a cat's pupil as redrawn) whose original has at least 8 times as many
# (a photograph or painting: thousands; a flat graphic of 10 colours may have had one changed
# locally) is compared with the original rendered in its palette. Colours counted on a grid of
# at most 250,000 pixels: a palette's colours all occur many times.
PALETTE_MAX_COLOURS = 64
PALETTE_RICHER = 8
PALETTE_SAMPLE = 250_000
# An original of at most PALETTE_MAX_COLOURS against a copy PALETTE_RICHER times as rich is
# compared with the copy rendered in its palette when the copy's colours fill the palette's cells:
# under 3 in 4 of its pixels within 10 levels (RGB distance) of their nearest palette colour.
# Photographs whose sibling was reduced to 16 or 32 colours: 0.33-0.77; to 64: 0.64-0.86 (those
# of 64 mostly need no rendering); JPEG copies of a flat graphic or chart, quality 30-95: 0.89-0.98.
PALETTE_NEAR = 10.0
PALETTE_AT_ITS_COLOURS = 0.75

# The summary names a geometric change only when it is more than the alignment's own error: a
# scale off by more than 1 %, a turn of more than half a degree, less than 98 % of the original
# covered (the benchmark's alignments put corners within 0.6 px at the 95th percentile).
SUMMARY_MIN_SCALE_CHANGE = 0.01
SUMMARY_MIN_ROTATION = 0.5
SUMMARY_MIN_UNCROPPED = 0.98
# ... and names a side of the original as cut away when more than 1 % of the picture's height
# (width) is missing there (the alignment's corner error, 0.6 px, is far below that).
SUMMARY_MIN_CUT = 0.01
# ... and calls a copy stretched when its width and height were scaled more than 3 % apart (a
# perspective's homography, read at the centre, differs by up to about 2 % between the axes for a
# screen photographed 5 degrees off; an aspect change from 4:3 to 16:9 is 33 %).
SUMMARY_MIN_STRETCH = 0.03
# ... and calls a copy seen in perspective (photographed at an angle, keystoned) when its
# homography's depth term changes by more than this share across the copy (|h20| w + |h21| h:
# the far side shown that much smaller than the near side). A screen photographed 5 degrees off
# gives about 0.02 (its axes then differ by up to 2 %, under SUMMARY_MIN_STRETCH); a plain stretch
# fitted by a homography stays under 0.001; a print photographed at an angle: 0.28-0.31.
SUMMARY_MIN_PERSPECTIVE = 0.02
# The colour shift (measures.colour_shift) compares the pictures area-averaged to this longest
# side: 16 px keeps a grade's or tint's colours (a grade moves every colour alike, so its shift is
# the same at 64, 32 and 16 px: within 0.5 on seven shipped pictures) and averages noise, JPEG and
# blur away (a JPEG's error is a block's own: at 64 px a cell is about one 8 x 8 block of a
# 450-px picture, and quality 8 read as a colour change of 4.6-7.6; at 16 px, 2.2-4.9).
COLOUR_SHIFT_SIDE = 16
# ... and a copy's summary says its colours were changed from a median difference of 5 (CIELAB
# Delta E 1976) up: a difference seen at a glance (2.3 is the least seen between two patches side
# by side). Measured at 16 px on seven shipped pictures: JPEG at quality 40 moves it by 0.4-0.6, at
# 15 by 0.9-1.6, at 8 by 1.3-4.9; a warm tint of (+12, +4, -10) RGB levels 8-10, a hue turn of
# 12 degrees 3-15 (by how colourful the picture is), a sepia tone 15-48.
SUMMARY_MIN_COLOUR_SHIFT = 5.0

# Changed parts side by side in a row (their boxes overlapping across it by half the smaller
# one's height) and less than that height apart along it are one area: the letters and words of
# a text laid over a picture lie a fraction of their height apart (type sets words about a third
# of their height apart, and the change map keeps only the strokes that differ, which widens the
# gaps), and a person counts the text as one edit, where each letter group was an area ("STOCK
# PHOTO" in white at 110/255 over a 512-px photograph: 6 areas 2-23 px apart, 41-62 px high).
# Likewise in a column. Edits made apart lie further apart than their own size, or not in a row:
# a hole and a painted patch of 50 x 80 px set diagonally 40 px apart stay two areas.
AREA_JOIN_GAP = 1.0
AREA_JOIN_ROW_OVERLAP = 0.5

# Share of the covered area that may be changed and still be "the same picture, locally edited".
# Above half, more was redrawn than kept: the pictures are related, not the same.
MAX_LOCAL_EDIT_AREA = 0.5

# Perceptual-hash distances below which two pictures count as the same picture. For 64-bit
# hashes of unrelated images the distance is Binomial(64, 0.5): mean 32, sd 4. imagehash's
# documented near-duplicate level is <= 10 (5.5 sd below chance).
HASH64_CHANCE = 32
HASH64_SAME = 10
# PDQ (256 bits): Meta's recommended match threshold is <= 31 (the PDQ paper, "hashing at
# Facebook", 2019); chance is mean 128, sd 8.
PDQ_CHANCE = 128
PDQ_SAME = 31

# Related, not the same: 3 sd below chance for 64-bit hashes (32 - 3 x 4), 4.75 sd for PDQ.
HASH64_RELATED = 20
PDQ_RELATED = 90

# The binomial chance levels above hold for pictures with detail on the hashes' grids. They do
# not for a picture whose hash thumbnail is under 32 pixels across (pHash's 32 x 32 grid: a
# 1-pixel dot, a 64 x 11104 banner), which the grid smears into stripes that any other such
# picture resembles; nor for PDQ below quality 50, where Meta's PDQ documentation calls the hash
# unreliable (flat pictures). Such hashes are not counted as evidence of a relation.
HASH_MIN_SIDE = 32
PDQ_MIN_QUALITY = 50
# Nor for a blank picture: one whose grey levels on pHash's 32 x 32 grid vary by under 2 levels
# (sd), the rounding and noise of a flat fill. Its hash bits are set by that noise (or are all
# equal), so two blank pictures matched bit for bit whatever their colours: a black and a white
# square were "related". A soft gradient varies by ten levels or more and keeps its hashes.
HASH_MIN_SPREAD = 2.0

# The pHash of the outline map (fingerprints.edge_map) of unrelated pictures is not at the
# binomial chance level: outlines of natural pictures share structure. On the benchmark's
# unrelated pairs it averaged 31 with sd 4; 18 is 3 sd below, where sketches of a picture fall.
EDGE_HASH_CHANCE = 31
EDGE_HASH_RELATED = 18

# Pictures that do not align are related when their outlines lie in the same places of their frames
# (fingerprints.outline_map: 64 x 64, smoothed by 1.5 px): a sketch, a tracing or a restyle of the
# whole picture, whose keypoints and outline pHash can both be lost (a pencil sketch of the rocket:
# 30 bits, chance). Over the 3,360 pairs of unrelated views of the builtin reference's pictures
# (resemblance/builtin.py) the correlation averaged 0.10 (sd 0.12); 0.55 is above all but 3 of
# them (two discs on black, the colour wheel and the retina, 0.70; the wheel and the logo, 0.59):
# one pair in 1,000, as for the outline pHash. Restyles of those pictures passing it: ink, cartoon
# and poster 95-100 %, stylised 90 %, oil 81 %, heavy oil 71 %, pencil 57 % (texture and flat
# pictures are lost: a sketch of grass is no drawing of it). The chance level scales the score.
OUTLINE_SIDE = 64
OUTLINE_SMOOTHING = 1.5
OUTLINE_CHANCE = 0.10
OUTLINE_RELATED = 0.55

# A pair that aligned is a copy only if, outside the changed areas, its local pattern matches:
# mean contrast-structure similarity (SSIM without its luminance term) of at least this much.
# Re-encoding to JPEG quality 40 and resampling keep it above 0.95 on our fixtures; a picture
# re-rendered in another style keeps the outlines but not the texture and falls below.
MIN_COPY_STRUCTURE = 0.85
# Beside a see-through mark (overlay.py) it is measured beyond this many pixels of what was found
# changed: a pixel's structure window (SSIM's, sigma 1.5) reaches about 3 sigma, so the pixels
# beside a stroke see part of it without reaching the change levels. A watermark's letters tiled
# over a photograph are mostly edge, and their rings lowered watermarked copies' kept pattern to
# 0.82-0.84 (0.86-0.95 beyond them). Only there: around ordinary edits the pattern is measured as
# the other levels were set, rings included (measured beyond them everywhere, two coin silhouettes
# filled with other textures and a recomposed logo passed a copy's line, a piece of the rocket
# kept in a brick wall was taken for a large edit, and screenshots of different pictures in one
# app's frame were matched 15 times in 28, not 12).
UNCHANGED_STRUCTURE_MARGIN = CHANGE_DETECT_MARGIN
# ... and its colours follow one global mapping of the original's: outside the changed areas, the
# median pixel's colour distance from the colour table's prediction (the colour map) is no more
# than the level at which a pixel counts as changed. Over half the "unchanged" part beyond it is
# not unchanged: the change levels only rose with it. Copies measured 0.1-6.3 (JPEG 10, noise of
# sd 30, posterised, sepia); a page in JET false colour 8.5. Two different flat pictures aligned
# by the banner both carry, 68-82: flat areas agree in pattern with anything, and "8.6 %" of a
# blurred clock against a flag was changed.
MAX_COPY_COLOUR = MIN_COLOUR_CHANGE
# A copy with a quarter or more of it replaced (a new background, half the picture redrawn) raises
# the median and spread of its own differences, from which the change levels are set (OUTLIER_SIGMAS),
# and sways its softness and colour fits: with 40 % of a photograph replaced, a tenth of that part
# was found and the copy read "re-rendered throughout". When a copy reads so, it is measured again
# from the pixels of the LARGE_EDIT_CELLS x LARGE_EDIT_CELLS cells that agree best (their median
# structure change in the lowest LARGE_EDIT_CLEAN_SHARE of the cells': any replaced share up to
# three quarters leaves them clean), then from all that this leaves unchanged, and that detection
# is kept when the detailed pixels it leaves unchanged keep LARGE_EDIT_UNCHANGED_STRUCTURE. On
# five shipped photographs: two fifths replaced, or a background replaced, 0.92-1.0 (JPEG 50 and
# 70 included); restyled in oil, stylised or cartoon, 0.52-0.89 (flat areas agree with anything,
# hence the detailed pixels only: over all pixels a stylised astronaut reached 0.95).
LARGE_EDIT_CELLS = 8
LARGE_EDIT_CLEAN_SHARE = 0.25
LARGE_EDIT_UNCHANGED_STRUCTURE = 0.90
# ... and when what it finds changed is one part (a background, a side): its largest area holds
# this share of the changed pixels (0.975-1.0 on the shipped photographs above, the rest specks).
# A picture recoloured or re-rendered throughout leaves its differences scattered: a page in JET
# false colour, 14 areas, the largest 0.87 of them, read "locally-edited, 33 %".
LARGE_EDIT_ONE_PART = 0.95
# ... or, in several parts, new content: where the changed part keeps the original's edges (the
# colour activities correlate at this or more), it is the original recoloured in scattered places,
# not replaced. That JET page: 0.99; a new background and a new face on two portraits: 0.21-0.64; a
# background alone: 0.33. Between, nearer the recolouring: the correlation of two unrelated
# pictures' edges is far below either.
LARGE_EDIT_EDGES_KEPT = 0.8
# When no clean quarter is found (three quarters or more replaced: a face pasted on another
# photograph, an inpainting that redrew all but a part), the piece kept is sought in cells this many
# across: a cell of a 1,024-px working frame is 64 px, so that a kept piece a fifth of the picture
# across holds a whole cell whichever way it falls on the grid.
KEPT_PIECE_CELLS = 16
# ... unless the changed part is the original's content displaced: another photograph of the scene
# from beside the first (the benchmark's stereo pair, its background shifted by parallax) agrees
# where its foreground does and reads as a background replaced. Moved back by the dense optical
# flow, its detail agreed at 0.62; parts replaced by another picture at 0.14-0.28 (five
# photographs, two fifths or a background replaced, JPEG 60 included). Half way between.
LARGE_EDIT_DISPLACED_STRUCTURE = 0.45

# ------------------------------------------------------------------------------ regions
# A region (named part, grid cell or --region box) is "absent" when less than half of it lies in
# the overlap; "different" when over 30 % of it changed (most of a face or signature redrawn);
# "similar" when over 5 % changed; else "same". Below 5 % is a sliver of a neighbouring change's
# outline (outlines are drawn at the working resolution, a few pixels wide), not this part.
REGION_MIN_COVERED = 0.5
REGION_DIFFERENT_SHARE = 0.3
REGION_SIMILAR_SHARE = 0.05
# Crops smaller than this (pixels, shortest side) get no 64-bit pHash (it samples 32 x 32).
REGION_MIN_CROP = 16
# ... nor does an aligned crop of which the copy covers less than this share: the rest would be
# the warp's border, and a hash of it measures the border.
REGION_HASH_MIN_COVERED = 0.9
# Palette and texture are not measured on fewer pixels than this: a histogram of 16 hues x 7
# saturations needs at least about one pixel a bin to say anything.
REGION_STYLE_MIN_PIXELS = 16
# Pictures that could not be aligned: a part found in both is "same" when its crops' pHash is
# within HASH64_SAME and their SSIM (after resizing one crop onto the other) is at least this;
# independent detections place boxes a few pixels apart, which costs SSIM but not pHash.
REGION_SSIM_SAME = 0.6
# A region with no pHash (an irregular one: the background) is "different" below this SSIM:
# unrelated natural crops laid on each other score 0 to 0.3.
REGION_SSIM_DIFFERENT = 0.3

# Style. Palette: Hellinger distance of the region's colour histograms (palette below). JPEG
# quality 40 and resizing to a quarter kept the sample portraits' regions within 0.04-0.39; a
# 30-degree hue rotation moved them to 0.5-0.95. Saturation below PALETTE_GREY (of 255) counts as
# grey: its hue is noise.
PALETTE_SAME = 0.4
PALETTE_GREY = 40
# A region whose palette is "different" counts as recoloured (a local edit) when at least this
# share of the other parts keep their palette: then the change is not a global colour grade.
PALETTE_LOCAL_SHARE = 0.75
# ... and when either the change mask saw some change in it, or its palette distance is at least
# this: 1.5 x PALETTE_SAME, past anything re-encoding did (0.39 at most).
PALETTE_RECOLOURED = 0.6
# Texture: |ln| of the ratio of mean gradient magnitudes. JPEG 40, resizing and gamma 0.7 kept
# it within 0.19 on the same regions; a face redrawn in a painted style measured 0.5-0.7.
TEXTURE_SAME = 0.35
# The summary says "same palette" when at least this share of the parts keep theirs, "different
# palette" when at most 1 - this share do, and "partly the same palette" between: three in four
# is the share PALETTE_LOCAL_SHARE asks of the parts around a local recolour.
SUMMARY_PALETTE_SAME_SHARE = PALETTE_LOCAL_SHARE

# ------------------------------------------------------------------------------ portraits
# The models see the picture with its longest side at most this: they work at 128-256 px inside,
# and FaceMesh's crops around each face still have detail to spare.
PORTRAIT_SIDE = 1024
# compare shrinks each picture once to this and feeds features (FEATURE_SIDE), hashes
# (HASH_THUMBNAIL_SIDE) and the portrait models (PORTRAIT_SIDE) from it; it must not be smaller
# than any of them.
PREVIEW_SIDE = PORTRAIT_SIDE
# Pictures whose longest side is below this get no portrait models (and the grid): measured on
# scikit-image's and matplotlib's samples shrunk to 48-512 px, Pose and the person mask saw a
# figure in 3 of 7 non-portraits (cat, coffee cup, retina) at 48-64 px and in at most 1 from 96 px
# up, while the faces they find below 96 px are a few pixels across, too small to compare as parts.
# It also spares a thumbnail comparison the models' 0.3 s.
PORTRAIT_MIN_SIDE = 96
# Face detector (full-range) score: real faces, painted ones included, scored 0.69-0.93 on the
# sample portraits and their stylised versions; the false faces seen on painted hands (short-range
# model, see ../shared/research/models.md) scored 0.51-0.56. mediapipe's default is 0.5.
FACE_MIN_SCORE = 0.6
# Pose: a lower detection score than mediapipe's default 0.5, because a face redrawn in paint
# hides the body from it too; the person mask confirms (below). Its visibility level for "seen".
BODY_MIN_SCORE = 0.3
BODY_POINT_VISIBLE = 0.5
# Two models must agree. A face is kept only when the person mask covers half its box: the
# sample portraits' faces, painted ones included, with or without FaceMesh landmarks, were
# 0.79-0.98 covered; faces the detector saw in a motorcycle (one meshed by FaceMesh, which runs
# its own detector on the crop) 0.0-0.16. A body is kept only when three in four
# of its seen keypoints lie on the person mask: real bodies, painted ones included, 0.83-1.0;
# the motorcycle's imagined rider 0.55 (keypoints are points, so a rider hallucinated on the
# machine lands partly on the mask's own false patches).
FACE_PERSON_CONFIRMS = 0.5
BODY_PERSON_CONFIRMS = 0.75
# A face without FaceMesh landmarks must also hold the body's head: the body's nose on its box,
# widened by this share of its size on every side (the box and the nose come from two models
# that place them independently, so a quarter of the box is allowed between them).
HEAD_BOX_MARGIN = 0.25
# The second face detector, asked only about a face FaceMesh could not mesh: OpenCV's Haar
# cascades on a crop around it. minNeighbors 5: at OpenCV's default 3 the alt2 cascade saw a face
# in the astronaut's shoulder patch; at 5 it did not, and still saw the astronaut's and Grace
# Hopper's faces in 11 of their 14 painted and drawn versions. A face smaller than half the
# detector's box is another face. False faces on the non-portrait pictures:
# benchmarks/compare/figures.py.
CASCADE_MIN_NEIGHBOURS = 5
CASCADE_MIN_FACE_SHARE = 0.5
# The figure: the person mask's largest part, when it covers at least this share of the picture
# (painted figures whose parts were missing covered 20-75 %; below 5 % it is not the picture's
# subject, and a grid serves better), together with the parts at least this share of its size
# (an arm or a staff the mask cut off from the body).
FIGURE_MIN_SHARE = 0.05
FIGURE_PART_SHARE = 0.1
# The short-range face model's score that confirms a figure (mediapipe's default). It is asked only
# when no face or body counted, and only on the figure: its detections there, painted hands
# included (0.51-0.56), are parts of someone; on the non-portrait pictures it found nothing.
FIGURE_FACE_MIN_SCORE = 0.5
# A head estimated from the figure's top when no face is found: as tall as this multiple of the
# figure's width near its top (a head is about 1.2-1.4 times as tall as it is wide), at most this
# share of the figure's height (a head-and-shoulders portrait).
HEAD_HEIGHT_PER_WIDTH = 1.3
HEAD_MAX_SHARE_OF_FIGURE = 0.5
# FaceMesh runs only on a crop around a face that the face detector found and the person mask
# confirmed, so its own detection score is asked less than mediapipe's default 0.5: the face is
# already established, the landmarks are what is wanted.
MESH_MIN_SCORE = 0.3
# Posture: the median keypoint offset after a least-median similarity fit, in units of the
# pose's RMS radius. Re-encoded, resized, mirrored and painted copies of the sample portraits
# measured 0.014-0.088 (the models' own jitter); different people in different stances 0.14-0.56.
# Fewer than 5 shared keypoints cannot pin a similarity fit (4 parameters) with any check left.
POSE_MIN_POINTS = 5
# A pair that is not a copy is "similar" by its posture (verdict.py) only when its arms and legs
# (elbows, wrists, knees, ankles) are within POSE_SAME too, by their own median: over all points
# the head and shoulders rule the median, and the builtin reference's unrelated portraits
# (astronaut, Grace Hopper) share them within 0.04-0.10 with their one elbow seen 0.44-0.51 apart.
POSE_SAME = 0.1
POSE_SIMILAR = 0.2
# Reported beside the median: the share of keypoints within this offset (PCK).
POSE_POINT_TOLERANCE = 0.1

# ================================================================ resemblance (simforensics/resemblance/)
# How two different pictures are alike, dimension by dimension; whether a likeness is remarkable
# is decided by its percentile among unrelated pairs (reference.py), not by these numbers.

# Each dimension describes a picture reduced to this longest side: composition, palette and style
# are statistics of the whole picture, which 256 px keep (a 1-megapixel pair is described in a
# few tens of milliseconds); the portrait models' findings come from compare's own preview.
RESEMBLANCE_SIDE = 256

# ---------------------------------------------------------------- composition (resemblance/composition.py)

# Cells across the square frame that the layout maps fill (the picture set in it keeping its
# proportions): a cell is 1/32 of the frame (8 px at RESEMBLANCE_SIDE), finer than the grid of
# thirds by ten times, so a mass's place is kept to 3 % of the frame while the texture that fills
# it is averaged away; 32 x 32 maps also draw legibly side by side in the report.
COMPOSITION_FRAME = 32
# Longest side at which the maps and the figure are read: twice the frame, so a frame cell
# averages 2 x 2 pixels; the spectral residual saliency works at 64 px itself (Hou & Zhang 2007
# found 64 px keeps the salient objects of natural pictures; OpenCV resizes its input to it).
COMPOSITION_SIDE = 64
# A picture whose colours all lie within the just-noticeable CIELAB difference (2.3, Sharma 2003)
# of its mean colour shows the eye nothing: its layout maps are flat.
COMPOSITION_FLAT = 2.3
# A region stands out from the picture's edges only by more than this CIELAB distance (from the
# nearest colour of each edge, for the pixels that seed the figure; between the figure's and the
# ground's mean colours, for the split): about four times the just-noticeable difference (2.3,
# Sharma 2003), so a colour seen at a glance rather than found on a careful look. A textured
# picture without a figure stays below it. Texture counts in the same units (its local L* spread,
# composition._texture_energy): a smooth region and one whose L* spreads by 10 differ as much as
# two colours 10 apart.
FIGURE_MIN_CONTRAST = 10.0
# A figure smaller than one frame cell is below the maps' resolution: no figure.
FIGURE_MIN_SHARE = 1 / COMPOSITION_FRAME**2
# The figure finder's neighbourhood (composition._figure_features), as a Gaussian's sigma in
# COMPOSITION_SIDE pixels: its colours are smoothed by one pixel, the least that keeps a texture's
# single pixels from matching the ground's colours while a frame cell (2 px) keeps its own; the
# detail that smoothing takes away is kept as its energy (the local L* spread), read over the
# same neighbourhood, so colour and texture describe the same place at the same resolution.
FIGURE_SMOOTHING = 1.0
# Lloyd iterations of the figure/ground split (composition._salient_region: the picture's colours
# and texture in two clusters, k-means, seeded by the pixels standing out from the edges): two
# clusters of a 64-px picture's pixels settle within a few; ten is scipy's kmeans2 default.
FIGURE_SPLIT_ITERATIONS = 10
# The silhouette canvas: the figure centred on its centroid, scaled so its RMS radius is a sixth
# of the canvas; three RMS radii (half the canvas) hold the whole of any compact figure (a disc's
# edge lies at 1.4 RMS radii, a 1:4 bar's ends at 1.7). 32 cells, like the frame.
SILHOUETTE_SIDE = 32
SILHOUETTE_RADIUS = 1 / 6
# Any two blobs overlap somewhat once centred and scaled to one size: the median silhouette
# overlap of unrelated pictures, measured on the 19 shipped pictures that have a figure
# (scikit-image's data and matplotlib's Grace Hopper, 171 pairs), is 0.39. The silhouette
# measure counts from there, as the correlations count from 0.
SILHOUETTE_CHANCE = 0.39
# A figure is "dark on light" (or "light on dark") when its mean L* differs from the ground's by
# a Munsell value step or more (about 10 L* units): a difference a painter would name.
FIGURE_TONE_STEP = 10.0

# ---------------------------------------------------------------- drawn in flat colours (resemblance/colour.py)

# A picture is "drawn in a few flat colours" (a chart, logo, flag, clip art), and its style and
# palette compared only with such pictures', when its 8 commonest exact colours cover at least
# three quarters of it at RESEMBLANCE_SIDE: a white ground and a handful of fills. Measured there:
# the 21 shipped pictures painted in oil, stylised or cartoon 0.01-0.35, but for the grey ones on
# a black ground (moon, microaneurysms, brick: 0.55-0.87; the last two in oil count as drawn so);
# charts, flags, clip art and logos drawn with matplotlib and OpenCV, and networkx's drawings and
# distributed's numpy and pandas logos, 0.86-1.0; a contour plot of 12 levels 0.65, a shaded
# cartoon 0.57, distributed's Python logo with its gradients 0.48 (these stay with the
# photographs). Eight: the palette's own count of dominant colours (below).
RESEMBLANCE_FLAT_COLOURS = 8
RESEMBLANCE_FLAT_DRAWING = 0.75

# ---------------------------------------------------------------- palette (resemblance/palette.py)

# Dominant colours kept per picture (k-means clusters in CIELAB): the 5 to 8 swatches palette
# tools show. With 8, JPEG quality 40 moves the palettes of the 16 shipped photographs (the
# fixtures' sources, skimage.data's photographs, Grace Hopper) by 0.4-6 CIELAB units, median 2:
# under one just-noticeable difference; 16 colours do no better (0.2-5) at twice the time.
RESEMBLANCE_PALETTE_COLOURS = 8
# Lloyd iterations (scipy's kmeans2 runs exactly this many): at 10 the JPEG-40 shifts above
# reach 8 units, at 20 they stay within 6.
RESEMBLANCE_PALETTE_ITERATIONS = 20
# k-means++ seeds from a fixed generator: the same picture always gets the same palette.
RESEMBLANCE_PALETTE_SEED = 0
# Pictures with both sides at least this are clustered at half size (area-averaged): a quarter of
# the pixels, the same shares for every colour covering more than a few per cent of the picture.
RESEMBLANCE_PALETTE_HALVE_FROM = 64
# Score = exp(-EMD / this), the earth mover's distance in CIE76 units (about 2.3 to a
# just-noticeable difference, Sharma 2003). The 120 unrelated pairs of the 16 shipped photographs
# are 14-52 units apart (10th-90th percentile; median 30): they score 0.07-0.5, median 0.22,
# the lower part of the range; a palette moved by one just-noticeable difference scores 0.89.
RESEMBLANCE_PALETTE_SCALE = 20.0
# The report names a colour as shared when the transport plan moves at least this share of the
# pictures between two dominant colours at most RESEMBLANCE_PALETTE_SAME_COLOUR apart: 5 % is a
# patch that shows in a thumbnail; 10 CIE76 units is "perceptible at a glance" but the same
# colour name (differences of 2-10 units are seen at a glance, beyond that colours differ).
RESEMBLANCE_PALETTE_SHARED_SHARE = 0.05
RESEMBLANCE_PALETTE_SAME_COLOUR = 10.0
# Two grey pictures share a palette far more often than two coloured ones (all they have is their
# greys): placed among all unrelated pairs, every coloured likeness would be measured against the
# grey pairs' (the resemblance benchmark found the builtin reference's whole top 1 % to be grey
# pairs). So a pair is placed among pairs of its own kind: two grey pictures, a grey and a
# coloured one (which can share only greys: a coloured but muted photograph against a grey one
# was distinctive among coloured pairs on the compare benchmark), two coloured ones. A picture is
# grey when its dominant colours' mean chroma (share-weighted, CIELAB) is under this:
# two just-noticeable differences (2 x 2.3) from neutral.
RESEMBLANCE_PALETTE_GREY_CHROMA = 4.6
# Against a reference, the palette's likeness is scaled by each picture's neighbourhood there, as
# style's is (palette.situate; the self-tuning affinity of Zelnik-Manor & Perona 2004: exp(-d^2 /
# (2 s_a s_b)), d the earth mover's distance): a muted picture lies near many palettes, so
# closeness to it is common; a vivid one near few. With one scale for all, the builtin reference's
# coloured pictures' top 1 % was one pair of works (immunohistochemistry, a muted picture, against
# chelsea), its grey-and-coloured top 1 % mostly immunohistochemistry against page. The
# neighbourhood is the distance to the second-nearest work, for style's reason
# (RESEMBLANCE_STYLE_NEIGHBOUR: the nearest may be the one work that happens to share it).
RESEMBLANCE_PALETTE_NEIGHBOUR = 2
# A neighbourhood is never narrower than this (CIE76 units): the median earth mover's distance
# between two crops of one shipped picture (the builtin reference's views) is 5.2, so a reference
# picture nearer than that is as good as the same picture's crop.
RESEMBLANCE_PALETTE_NEIGHBOURHOOD_FLOOR = 5.0

# ---------------------------------------------------------------- style (resemblance/style.py)

# Laplacian-pyramid bands the texture is measured on: at 256 px they hold detail 1-2, 2-4 and 4-8
# px across, the width of a brush stroke, an ink line or a filter's patch in a restyled picture;
# coarser bands hold the shapes of what is depicted, not how.
RESEMBLANCE_STYLE_SCALES = 3
# Smallest side measured: the third band of a 32-px picture is 4 px across.
RESEMBLANCE_STYLE_MIN_SIDE = 32
# A picture whose lightness varies by less than this (standard deviation, L* units) is one flat
# tone, under half the 2.3-unit just-noticeable difference: it has no texture to compare.
RESEMBLANCE_STYLE_UNIFORM = 1.0
# Added to every band's energy (L* units squared: detail of 0.5 units RMS, invisible) so that the
# log ratios of untextured paint stay finite and near 0.
RESEMBLANCE_STYLE_ENERGY_FLOOR = 0.25
# "Strong" fine detail, for dark_lines: beyond 2 standard deviations of the finest band, about the
# strongest 5 % of pixels.
RESEMBLANCE_STYLE_STRONG_DETAIL = 2.0
# The picture's outlines, for edge_hardness: the tenth of its pixels where the second band is
# strongest (Canny, thresholds 50/150, marks 2-37 % of the shipped photographs' pixels at 256 px,
# a median of 14 %).
RESEMBLANCE_STYLE_OUTLINE_SHARE = 0.1
# The picture's smooth half, for smooth_grain: the half of its pixels where the second band is
# weakest. A share of the picture, not a level of detail, so that every picture, a busy texture or a
# logo on white, shows how it renders its smoothest parts (a photograph's noise is there, whatever
# the scene); half is the median split, as far from the outlines (the tenth above) as can be
# while counting as many pixels as the statistic's other half.
RESEMBLANCE_STYLE_SMOOTH_SHARE = 0.5
# Median and spread (sample standard deviation) of each statistic among 16 unrelated photographs
# shipped with scikit-image and matplotlib (astronaut, chelsea, coffee, rocket, grace_hopper,
# motorcycle_left, immunohistochemistry, retina, hubble_deep_field, camera, coins, moon, brick,
# grass, gravel, clock), each reduced to 256 px by area averaging; tests/test_resemblance_style.py
# measures them again. Differences count in spreads, so that no statistic weighs more for its
# units; the median is "a typical photograph" in the report's words.
RESEMBLANCE_STYLE_PHOTOGRAPHS = {
    "fine_detail": (0.157, 0.352),
    "mid_detail": (-0.378, 0.455),
    "grain": (0.134, 0.0331),
    "smooth_grain": (0.138, 0.0437),
    "edge_texture": (0.512, 0.0889),
    "dark_lines": (0.0552, 0.384),
    "edge_hardness": (-0.117, 0.347),
    "patchy_outlines": (0.0827, 0.132),
}
# Score = exp(-d^2 / 2 / this^2), d the RMS of the standardised differences: a Gaussian kernel one
# spread wide. Two unrelated pictures, independent draws, are sqrt(2) apart on average and score
# 0.37; between the photographs above d is 1.34 on average (mean score 0.43). Astronaut, chelsea,
# coffee and rocket each against another of the four painted (fixtures' painted()) average
# d = 2.1 in oil and in cartoon (mean scores 0.13), 1.2 stylised (0.48).
RESEMBLANCE_STYLE_SCALE = 1.0
# Against a reference, the kernel's width is each picture's own neighbourhood (style.situate; the
# self-tuning affinity of Zelnik-Manor & Perona 2004): closeness is remarkable only where few works
# lie that close, and two ordinary photographs are close too (a painted pair, both far from every
# photograph, is then alike as no two photographs are). The neighbourhood is the distance to the
# second-nearest work of the reference: the nearest alone may be the one work that happens to share
# the rendering (the builtin's two scans of print, page and text), the second says whether it is a
# crowd; a farther one measures the wider population, where the plain kernel already looks. On the
# resemblance benchmark's style statistics (seed 0, percentiles counted, not fitted), pairs painted
# alike beyond the reference's unrelated pairs' 99th percentile: second nearest 4 of 12 in-sample
# and 3 of 8 held-out, third 3 and 2, fifth 3 and 0 (the plain kernel 0 and 1), with the unrelated
# pairs beyond it the same (0 and 1) in every case.
RESEMBLANCE_STYLE_NEIGHBOUR = 2
# A neighbourhood is never narrower than this (spreads): the median distance between two crops of
# one shipped picture is 0.32 spreads (the builtin reference's views), so a reference picture
# nearer than that is as good as the same picture's crop, not a sign of a crowd.
RESEMBLANCE_STYLE_NEIGHBOURHOOD_FLOOR = 0.3
# The report names a trait of a picture ("outlines of flat colour patches") when its statistic is
# at least this many spreads from a typical photograph's: as far as one photograph in three.
RESEMBLANCE_STYLE_TRAIT = 1.0

# ---------------------------------------------------------------- subject (resemblance/subject.py)

# Two faces' places count as alike from 1 (same place) down to 0 at a third of the picture apart:
# a third is the grid of thirds' cell, so faces that far apart sit in different thirds.
FACE_PLACE_SCALE = 1 / 3
# A face's view by its turn: portraiture names three (frontal 0, three-quarter 45, profile 90
# degrees); the borders lie halfway between them.
FACE_VIEW_THREE_QUARTER = 22.5
FACE_VIEW_PROFILE = 67.5

# ---------------------------------------------------------------- pose and percentiles (resemblance/)

# Posture score: 1 - the median keypoint offset (region_findings.compare_pose, in units of the
# pose's size) over this. Copies measured 0.014-0.088, different people in different stances
# 0.14-0.56 (POSE_SAME above); past 0.6 two postures share nothing, and score 0.
RESEMBLANCE_POSE_SCALE = 0.6
# A likeness is "distinctive" when fewer than 1 % of the reference's unrelated pairs are as alike
# (percentile >= 0.99: the level a reader takes for "rare" without a statistics lesson, and one
# that the builtin reference's two thousand pairs still resolve, 20 pairs above it); "common" when
# at least half of them are less alike (as alike as unrelated works typically are, or more);
# "different" below: less alike than a typical unrelated pair.
RESEMBLANCE_DISTINCTIVE = 0.99
RESEMBLANCE_COMMON = 0.5
# Above this share of a table's unrelated pairs the percentile is read from a fitted tail, not
# counted (reference.py): the pairs beyond it are fitted with an exponential on the logit of the
# score (peaks over a threshold; its scale is their mean excess), as score normalisation against a
# small impostor cohort does in biometrics. Counted, the 1 % level is the few most alike pairs a
# reference happened to measure, and any pair beyond them is at 1.0: with the builtin reference's
# 210 pairs of pictures, a picture left out of it had 4.9 % of its pairs with the others
# distinctive on some dimension (1.1-2.2 % per dimension). The top tenth is the usual share for the
# fit (enough pairs beyond it for the scale, near enough the tail for its shape); fitted from it,
# the same check gives 3.6 % (0.3-1.6 % per dimension), from the top fifth 1.9 % (0.1-0.8 %: the
# exponential there is too light, the body's shape is still in it).
RESEMBLANCE_TAIL_FROM = 0.9
# Scores are kept to 4 decimals in a reference: the logit is taken of scores kept one such step
# from 0 and 1 (a score of exactly 1, two copies, is then finite and the rarest possible).
RESEMBLANCE_LOGIT_MARGIN = 1e-4
# How a "similar" pair's similarity is placed in its band: by how rare its distinctive likenesses
# are, in decades beyond the distinctive level (1 in 100), summed over them (two rare likenesses
# are rarer together than either), the top of the band at this many decades: 1 in 10,000, as far
# as a tail fitted on a few hundred pairs of works is read; beyond that it ranks noise.
RESEMBLANCE_RAREST_DECADES = 2.0
# Pictures that are neither copies nor related by their hashes are "similar" when at least this
# many of their likenesses are distinctive. One: a distinctive likeness is the evidence counsel
# argues from, and an unrelated pair of the reference reaches it on any one dimension with
# probability 1 %, on any of the five with at most 5 % (the union bound; four with the builtin
# reference, which has too few postures), so at least 95 % of unrelated works stay "unrelated"
# (3.6 % of a picture's pairs reached it, each picture left out of the builtin reference in turn:
# RESEMBLANCE_TAIL_FROM). A combination instead (the decades of rarity summed over every
# dimension) ranked the resemblance benchmark's related pairs above its unrelated ones less
# often than the rarest likeness alone (AUC 0.93 against 0.94 on the held-out reference).
RESEMBLANCE_SIMILAR_DIMENSIONS = 1
# A percentile of 0.99 means something only among at least 100 pairs: a dimension that fewer of
# the reference's pairs measured (postures: few shipped pictures show a body) gets no percentile.
RESEMBLANCE_MIN_PAIRS = 100
# A likeness placed among pairs of its own kind (two coloured pictures' palettes, two pictures of
# people's subjects) whose kind the reference holds fewer than RESEMBLANCE_MIN_PAIRS of, but at
# least this many, is placed among the narrowest wider kind it holds enough of (pairs with colour
# in them; all pairs) and given the lower of the percentiles: among the wider kind the 1 % level
# is resolved; among its own kind the likeness must be as rare too, as far as they tell (above all
# of 20 of them: in their top 5 %, by the rank bound 1 / (20 + 1)). The lower errs toward "not
# distinctive" whichever kind is the more alike. Fewer than 20 of its own kind say nothing of its
# rank among them: no percentile.
RESEMBLANCE_MIN_OWN_KIND = 20

# ================================================================ scan (simforensics/scan/)
# Scan finds candidate pairs with cheap features and an index, then runs the compare engine on
# each candidate. The candidate stage only has to be generous (miss nothing that is a copy) and
# cheap; the verdict, and so precision, comes from verification with the thresholds above.

# Longest side at which scan features are computed. JPEGs are decoded at 1/2, 1/4 or 1/8 of their
# size (libjpeg scales in the DCT, Pillow's Image.draft) to the smallest scale that still gives
# this many pixels, so a 3-megapixel photo is decoded at 256 x 192. PDQ and pHash reduce every
# picture to 64 x 64 and 32 x 32 samples, and ORB keypoints at this size still cover a copy
# cropped to half the area with dozens of repeatable corners.
SCAN_FEATURE_SIDE = 256

# ORB (Rublee et al. 2011): binary, rotation-invariant local descriptors, about 1 ms on a 256-px
# picture, where SIFT takes 15 ms. Keypoints kept per picture: enough that a copy cropped to 50 %
# of the area keeps dozens in common with its original.
SCAN_LOCAL_FEATURES = 128
# ... taken in turns from the cells of a SCAN_LOCAL_GRID x SCAN_LOCAL_GRID grid, among the
# SCAN_LOCAL_CANDIDATES strongest corners (ORB's own ranking; scan/features.py spread_over): the
# strongest alone gather where the picture is busiest, and a copy with grass laid over two fifths
# of it kept 4 corners elsewhere, so a scan never proposed it (3 of 10 such copies missed). With
# 512 candidates 4 of its 128 lay elsewhere, with 2048 24; ORB then takes 1.6 ms a 256-px picture
# instead of 1.1. On the scan benchmark (seed 1): 752 candidates instead of 762, F1, AP and
# labels unchanged.
SCAN_LOCAL_CANDIDATES = 2048
SCAN_LOCAL_GRID = 4
# A 31-px BRIEF patch excludes 12 % of a 256-px picture on every side; 19 px keeps the corners of
# a cropped copy in view while its 256 comparisons still make the descriptor distinctive.
SCAN_ORB_PATCH = 19
# Pyramid: 4 levels of 1.3 cover scale changes of 1.3^3 = 2.2x between two 256-px pictures (a copy
# cropped to half the area and rotated 15 degrees in a grown canvas is shown 1.4-1.8x larger or
# smaller than in its original); each further level costs 15 % more time.
SCAN_ORB_LEVELS = 4
SCAN_ORB_SCALE = 1.3
# FAST corner contrast, in grey levels. OpenCV's default, 20, leaves most photographs far more
# corners than SCAN_LOCAL_FEATURES; a picture with fewer (dim, low-contrast, smooth) is searched
# again at half of it, so that it keeps enough: at 256 px the faintest shipped pictures have 35-38
# corners at 20, 150-200 at 10. Searching every picture at 10 costs a quarter more ORB time (the
# extra corners are all scored), for the same strongest corners in most pictures.
SCAN_ORB_FAST_THRESHOLD = 20
SCAN_ORB_FAINT_FAST_THRESHOLD = 10

# A descriptor's neighbour counts as its match when it is both close and distinctive. Close: within
# a quarter of the 256 bits. Distinctive: Lowe's ratio test (Lowe 2004, IJCV 7.1: 0.8 rejects 90 %
# of false matches, under 5 % of true ones), against the distance to the (NEIGHBOURS + 1)-th
# neighbour in the whole index. Nearest-neighbour distances alone do not separate copies from
# unrelated pictures: smooth areas make ORB descriptors of any two photographs lie 40-50 bits
# apart, so only a neighbour much closer than the crowd is evidence.
SCAN_LOCAL_MAX_DISTANCE = 64
SCAN_LOCAL_RATIO = 0.8
# Neighbours fetched per descriptor: a picture with several copies must not have its true
# matches crowded out by its own other copies (up to this many copies are found directly; a
# larger group is still joined through its members' own matches).
SCAN_LOCAL_NEIGHBOURS = 16
# A pair whose matches number at least MIN_VOTES (either orientation) gets a geometric test: a
# RANSAC similarity fit on the keypoints (RANSAC_PX at 256 px, the usual 3 px), and the pair is a
# candidate when MIN_INLIERS distinct places agree. RANSAC always explains its minimal sample (2
# points) and, on unrelated pictures, a few more (4-5 for SIFT, ../shared/research/models.md;
# up to 6 for ORB on smooth pictures, whose matches cluster); 8 is above that, while a copy
# cropped to half the area keeps a few dozen. Verification decides the rest.
SCAN_LOCAL_MIN_VOTES = 8
SCAN_LOCAL_MIN_INLIERS = 8
SCAN_LOCAL_RANSAC_PX = 3.0
# Local descriptors kept in the index at most, over all pictures. Above this many pictures x
# SCAN_LOCAL_FEATURES (about 12,000 pictures), each picture keeps only its strongest budget / N
# keypoints, so the local search stays near a minute on 2 cores at any N; the price is that crop
# and rotation recall falls for collections far above that size (benchmarks/scan measures it).
SCAN_LOCAL_BUDGET = 1_500_000

# Whole-picture PDQ (after trimming uniform borders), over the 8 rotations/mirrors: a candidate
# at or below this Hamming distance of 256 bits. Meta's match level is 31; twice that, 63, is
# still 8 standard deviations below chance (mean 128, sd 8) and admits copies whose crop, border
# or overlay pushes PDQ past its own match level; verification decides.
SCAN_PDQ_CANDIDATE = 63

# Up to this many indexed codes the search is exact (FAISS flat: every query against every code,
# about 150 pictures' local descriptors); above, local descriptors go to an inverted file with
# about 4 x sqrt(N) lists, each query visiting SCAN_IVF_PROBES of them, so the work grows as
# N^1.5 instead of N^2 (PDQ codes: hashing, below).
SCAN_EXACT_LIMIT = 20_000
SCAN_IVF_PROBES = 4
# Above the exact limit, PDQ codes are hashed into tables keyed by a few sampled bytes: a copy at
# PDQ's own match distance (31 bits, Meta's threshold) is found with probability 0.9 at least,
# closer ones more surely (0.999 or more at 16 bits). Keys are 2 bytes, or 3 when a table would
# otherwise hand out more than 16 million chance comparisons (above about 360,000 pictures).
SCAN_HASH_DISTANCE = 31
SCAN_HASH_RECALL = 0.9
SCAN_HASH_CHANCE_PAIRS = 16_000_000

# Verification runs the compare engine on both pictures decoded at no more than this side (the
# engine's own feature and change sides), so scan labels agree with `compare` on the same pair.
SCAN_VERIFY_SIDE = 640

# A candidate is a match when its verdict is a copy: identical, near-duplicate or locally-edited.
# The similarity bands above make that similarity >= 0.70; this is the default threshold.
SCAN_MATCH_SIMILARITY = LOCALLY_EDITED_SIMILARITY

# The cache commits its work at least this often (files), so an interrupted scan loses at most
# this many files' features and resumes from the rest.
SCAN_CACHE_BATCH = 64

# Pairs inside a group of matches are verified too (two copies of one original are copies of
# each other). Groups larger than this are left as they are: n^2 / 2 verifications would swamp
# the scan, and such a group is already reported as one group.
SCAN_GROUP_CLOSURE_MAX = 50

# ---------------------------------------------------------------- scan on a Dask cluster
# (simforensics/scan/cluster.py; benchmarks/scan/cluster.py measures the overhead.)
# Jobs per Dask task, at most. An empty task costs a few milliseconds end to end on 2 shared
# cores (benchmarks/scan/cluster.py measures it); one file's features take 5-50 ms (256 px to
# 3 MP) and one picture's description for --related 0.2-1 s, so a batch of 32 files or 4
# pictures carries 100-1000 times its scheduling cost. Larger batches would leave one worker alone
# with seconds of work at the end of a scan; a lost worker costs little work to redo, and the
# cache receives features every few seconds.
SCAN_CLUSTER_EXTRACT_BATCH = 32
SCAN_CLUSTER_VERIFY_BATCH = 4
# Verification batches are formed by the pictures the pairs share (scan/engine.py), this many per
# worker (process or Dask thread): enough that the last batches end close together, few enough
# that a picture and its copies stay in one batch, so one worker decodes each picture once. On
# the scan benchmark's folder (762 pairs of 132 pictures, 2 workers, each keeping 24 pictures)
# that is 157 decodes instead of 259 with jobs dealt out in order (simulated on its pairs: sets
# of pictures linked by non-copy candidates too are cut). A batch's verdicts reach the cache when
# the batch ends (tens of seconds), so an interrupted scan redoes at most that.
SCAN_VERIFY_BATCHES_PER_SLOT = 4
# Smaller batches when there are few jobs: at least this many per worker thread, so the last
# ones finish close together instead of one worker finishing a big batch alone.
SCAN_CLUSTER_BATCHES_PER_SLOT = 4
# Batches submitted and not yet taken back, per worker thread: one running and one waiting keeps
# every thread busy, and the cluster never holds more results than the client can take.
SCAN_CLUSTER_BATCHES_IN_FLIGHT_PER_SLOT = 2
# Connecting: the scheduler must answer within this; no command waits longer for a wrong address.
SCAN_SCHEDULER_CONNECT_SECONDS = 10
# A cluster with no worker (none started yet, or all lost) is waited for this long, then the
# scan stops with a message instead of waiting for ever.
SCAN_CLUSTER_WORKER_WAIT_SECONDS = 60
# How often the client looks at the cluster's size while no batch finishes.
SCAN_CLUSTER_POLL_SECONDS = 2.0

# ---------------------------------------------------------------- video (simforensics/video/)
# Frames sampled for matching, per second of video, besides every keyframe. A span of half a
# second holds at least two samples; span boundaries do not depend on it (they are found frame
# by frame by seeking). Decoding is the same whatever the rate; each sample costs one feature
# extraction and one geometric check per candidate picture (about 20-30 ms on one core).
VIDEO_SAMPLE_FPS = 4.0

# Longest side of a frame for matching: SIFT on a 720p frame reduced to 320 px keeps 400-500
# keypoints, enough for RANSAC on a picture that fills a quarter of the frame, in about 20 ms on
# one busy core (45 ms at 384 px); the picture side keeps align's FEATURE_SIDE, so a zoom into
# it still finds detail.
VIDEO_FRAME_SIDE = 320
# Keypoints kept per frame and per picture: FEATURE_COUNT (2000) is the compare engine's for
# full pictures; a 320-px frame has fewer than 600 strong ones, and brute-force matching costs
# grow with the product of both counts.
VIDEO_FRAME_FEATURES = 600
VIDEO_PICTURE_FEATURES = 1500

# A decoded stream shorter than this share of the frames its container lists, or of the duration
# it declares, is a truncated file (FFmpeg stops quietly at the cut when the index came first, and
# in Matroska/WebM). Containers' counts are exact for MP4/MOV and estimates for some others, and a
# declared duration can run a frame or two past the last frame, hence some slack.
VIDEO_MIN_DECODED_SHARE = 0.9

# Hysteresis: a span starts at a sample that aligns by the compare engine's own rule (MIN_INLIERS
# inliers, MIN_INLIER_RATIO of the matches), and continues while frames keep at least this many
# inliers of one similarity transform: twice the 4-5 that unrelated pictures give by chance
# (../shared/research/models.md), so a restyled or blurred stretch (9-27 inliers there) stays
# in its span while an unrelated frame leaves it.
VIDEO_STAY_INLIERS = 10
# A span's frames are compared with the picture beyond the best one only where the share of a
# frame's matches that agree on one transform falls under this share of the best frame's: on
# clips that keep the picture as it is (zooms, pans, crops) it stays within 0.78-0.89 of the
# matches throughout, while a picture animated in its middle fell from 0.88 to 0.38. Only the
# cost is saved: the compare engine decides whether that frame still copies the picture.
VIDEO_FURTHEST_SHARE = 0.75

# A cut between two frames: the mean absolute luma change of their thumbnails (0-255) is at least
# PySceneDetect's ContentDetector default of 27 and at least this many times the median change
# of the frames around it, so a fast pan or zoom (a sustained change) is not a cut; a cross-fade
# changes little per frame and is not one either (its span ends where the picture fades out).
VIDEO_CUT_MIN_CHANGE = 27.0
VIDEO_CUT_SPIKE = 3.0
VIDEO_CUT_WINDOW = 12

# Motion words for a span, read from the per-frame transform (frame -> picture): "zoom" when the
# scale moves by more than 5 % between the span's quiet ends (10th and 90th percentiles), "pan"
# when the frame's centre travels more than 3 % of the picture's diagonal at a steady scale,
# "other" for a turn of more than 2 degrees, else "still". Each is several times the fit's own
# jitter on a still frame (scale within 1 %, centre within 0.5 % of the diagonal).
VIDEO_ZOOM_MIN_CHANGE = 0.05
VIDEO_PAN_MIN_SHIFT = 0.03
VIDEO_TURN_MIN_DEGREES = 2.0

# Candidate pictures checked per shot (the frames between two cuts): the ones the scan index
# proposed for most of its sampled frames. A frame is checked against every candidate of its
# shot, so a picture found in one frame is followed through the zoom or pan that hides it from
# the index in the others; and against those proposed for it alone (a cut after fast motion is
# no spike, and the picture after it was crowded out by versions of the first).
VIDEO_SHOT_CANDIDATES = 8
# A portfolio this small is also checked whole on the first sampled frame of each shot (the
# image-to-video first frame): 32 pictures in both orientations cost about 0.3 s per shot, while
# the index misses a picture that fills only a small part of the frame.
VIDEO_EXHAUSTIVE_PICTURES = 32

# ---------------------------------------------------------------- trace (simforensics/trace/)
# Where a value of the alignment, change-localisation or scan sections applies, trace uses it
# as it is (RATIO_TEST, RANSAC_THRESHOLD_PX, MIN_INLIERS, MAX_SCALE_RATIO, FEATURE_SIDE, the
# change detector's floors and scales, the scan's ORB settings and local-match limits); only
# what has no counterpart there is below.

# The portfolio's retrieval features: RootSIFT keypoints of each picture at this side, this many,
# cached beside the scan's features in the same SQLite file (the scan's 128 ORB corners at 256 px
# find a whole copy, not a piece: a crop of 14 % of a 320-px picture pasted as it is was not
# retrieved by them; ORB at 512 px still missed pieces SIFT fitted with hundreds of inliers).
# 512 keypoints at 512 px leave about 50 in a tenth of a source; at 256 (about 25) a piece cut
# from a low-contrast part often kept too few to be retrieved (measured on the trace benchmark's
# collages, seeds 0 and 1: 126 of 140 pieces' sources among the first pass's candidates at 256,
# 130 at 512; the benchmark's 3-8 % pieces found, seed 1: 22 -> 23 of 31).
TRACE_INDEX_SIDE = 512
TRACE_INDEX_FEATURES = 512
# Keypoints are found per cell of a grid (each cell its share), not over the whole picture: the
# strongest keypoints of a picture gather where its contrast is highest (a page of text beside a
# micrograph took nearly all of them, and a fifth of the picture pasted from the micrograph was
# not retrieved). 3 x 3 cells for a portfolio picture (about 57 keypoints each); 4 x 4 for the
# picture, so a piece of 3 % of it holds some.
TRACE_INDEX_GRID = 3
TRACE_QUERY_GRID = 4
# SIFT's contrast threshold for those grid cells: a quarter of its default (0.04). A cell keeps
# its share of keypoints, the strongest first, so a textured cell keeps the same ones; a
# low-contrast cell (sky, a wall, a flat moon) fills its share only below the default, and a piece
# cut from there had too few keypoints to be matched at all. Measured on the trace benchmark's
# missed pieces (seeds 0 and 1, 16 pieces, none fitted at 0.04): at 0.01, 5 of them could be
# fitted (9-59 agreeing matches); the rest are near-flat crops (sky, a plain moon) with no
# keypoints to speak of at any threshold.
TRACE_SIFT_CONTRAST = 0.01
# A grid cell (TRACE_INDEX_GRID, TRACE_QUERY_GRID) that falls short of its share of keypoints, in a
# picture smaller than its step's side (the index's, the picture's, a source's), keeps them and
# fills the rest of its share from the cell enlarged (bicubic) up to that side, by at most this
# factor. SIFT finds its extrema at
# fixed scales of the pixels, so a small, soft picture holds few of them at its own size: a
# 200 x 300 motion-blurred clock gave 42 keypoints (contrast 0.01), enlarged twice 1,314; a rocket
# of 200 px pasted at 1.3 times was fitted on 10 agreeing matches, enlarged on 75. Only short
# cells: a cell that fills its share as it is would trade its keypoints for finer, weaker ones
# (the whole 768-px collage enlarged to 1,024 lost a third of a cat piece's matches, 48 -> 37),
# and a short cell's own keypoints stay, since the enlarged cell ranks finer, weaker ones above
# some of them (replaced, a mirrored, recoloured astronaut piece fell from 10 agreeing matches
# to 6; filled, 13).
# Twice is SIFT's own first-octave doubling again: beyond it bicubic adds no detail.
TRACE_MOST_ENLARGEMENT = 2.0
# The picture queries with its keypoints at this side (the fit's own, TRACE_PICTURE_FEATURE_SIDE),
# this many per orientation (as it is, and mirrored: SIFT is not mirror-invariant).
TRACE_QUERY_SIDE = 1024
TRACE_QUERY_FEATURES = 1500
# Neighbours looked up per query keypoint; the last one is the crowd that Lowe's ratio (RATIO_TEST)
# is taken against, as the scan takes its ORB ratio against its 16th neighbour.
TRACE_NEIGHBOURS = 8
# Exact search up to this many indexed keypoints (about 200 pictures); above, an inverted file of
# TRACE_IVF_LISTS lists (k-means on a seeded sample), each query visiting TRACE_IVF_PROBES of them:
# a thirty-second of the work, at the usual recall cost of a few per cent of the true neighbours,
# which a source's dozens of agreeing keypoints absorb. 8 probes of an index of 512 keypoints per
# picture visit as many keypoints as 16 did of one of 256 (a 1-MP picture against 1,000 cached,
# measured back to back: 3.5-4.1 s against 3.6-4.0 s wall; the trace's own processor time 3.9 s
# against 3.2 s, the larger index's build).
TRACE_EXACT_LIMIT = 50_000
TRACE_IVF_LISTS = 256
TRACE_IVF_PROBES = 8
# A portfolio picture becomes a candidate when at least this many of its matched corners agree on
# one similarity transform (counted in distinct places, as the scan counts them). Far lower than
# the scan's SCAN_LOCAL_MIN_INLIERS (8): a piece of 3 % of the picture holds only a few dozen
# corners, and a candidate is only a candidate, proved or dropped by SIFT and the dense test below;
# any two matches fit a similarity, so 3 is the least that says anything.
TRACE_CANDIDATE_AGREEING = 3
# Groups of votes (a portfolio picture in one orientation) checked for one geometry, the most
# voted first: chance votes spread over the whole portfolio, a source's gather. 128 RANSAC runs of
# 500 iterations take well under a second.
TRACE_RANSAC_GROUPS = 128
# Candidates verified per retrieval pass (the best-agreeing first): bounds the cost of a pass to
# a few seconds whatever the portfolio's size; the second pass, on the unexplained areas alone,
# gets as many again.
TRACE_CANDIDATES = 8
# The picture's SIFT features for the per-source fit: at twice FEATURE_SIDE and twice
# FEATURE_COUNT, so a piece of 3 % of the picture keeps as many keypoints (about 100) as compare's
# alignment gets on a crop to 40 % of a picture.
TRACE_PICTURE_FEATURE_SIDE = 1024
TRACE_PICTURE_FEATURES = 4000
# Sources are decoded at no more than this side for the fit and the dense test: above the
# working frame (CHANGE_SIDE) of any piece that is rescaled by up to 1.6. Their keypoints for the
# fit are found at this side too (FEATURE_COUNT of them), not at FEATURE_SIDE: a piece enlarged
# 1.4 times shows the source's fine detail, lost at 512 px (measured on the trace benchmark: a
# feathered, colour-shifted, mirrored piece of 9 % had 10 matches at 512 px and 33 agreeing at
# the source's full 768 px).
TRACE_SOURCE_SIDE = 1024
# Fewest matches that must agree on a piece's transform. Half of alignment's MIN_INLIERS (15):
# unrelated pictures give 4-5 RANSAC inliers by chance (../shared/research/models.md), so 8 is
# still above chance, and here the keypoints only propose a piece: the dense test below decides
# (a chance transform explains almost none of the picture's pixels). Low-texture pieces (a
# smooth retina, a sky) hold 8-14 agreeing matches where textured ones hold hundreds.
TRACE_MIN_INLIERS = 8
# A piece shows its source enlarged by at most this much (picture pixels per source pixel):
# twice the largest rescaling the issue's collages use (1.5). Beyond it a piece is a few dozen
# source pixels drawn large, smooth interpolation that explains any smooth area: when small
# pictures were first enlarged for their keypoints (whole, before TRACE_MOST_ENLARGEMENT was
# kept to short cells), text glyphs of a 191-px page, fitted at 3.6-4 times onto blurred blobs
# of other pictures, passed the dense test (14-16 inliers; a negative then had a source). Compare's MAX_SCALE_RATIO (10) still bounds the
# other way.
TRACE_MAX_PIECE_ENLARGEMENT = 3.0
# Pieces fitted per source and orientation, at most: the collages the issue describes hold 2-4
# pieces in all; more than 6 from one source is a tiling, reported as its largest pieces.
TRACE_MAX_PIECES_PER_SOURCE = 6
# A general affine fit (a piece stretched to fit its slot) replaces the similarity fit when it
# gathers at least 1.5 times its matches: two more parameters gain an unstretched piece, or
# unrelated matches, only the few matches that lie near the threshold (measured on a collage of
# eight shipped pictures: +1 to +2 on unrelated sources, some fewer); a piece stretched by 11-25 %
# gave 2.4-2.5 times, by 2.25 times (0.67 x 1.5) 9 times.
TRACE_AFFINE_GAIN = 1.5
# ... and stands for a stretch only while its axis scales stay within 3 times of each other:
# beyond, SIFT's descriptors no longer match anyway, and such a fit is a degenerate one.
TRACE_MAX_STRETCH = 3.0
# A candidate's agreement through a general affine transform counts from 6 places: three matches
# fit one exactly, whatever they are (counted from 3, the stretched collages' unrelated candidates
# rose from 6 to 44; from twice the minimal sample, they stayed at 6).
TRACE_STRETCH_MIN_AGREEING = 6
# A model is kept only when the warped source explains (within the change detector's floors,
# MIN_STRUCTURE_CHANGE and MIN_COLOUR_CHANGE) at least this share of the textured pixels inside its
# inliers' hull: a true piece is explained nearly everywhere there (edits aside), a chance fit of
# unrelated pictures almost nowhere but in flat patches.
TRACE_MIN_HULL_EXPLAINED = 0.5
# Only textured pixels can tell a piece from chance: a flat area of any source, recoloured by the
# fitted mapping, "explains" any flat area of the picture. The hull test counts the pixels whose
# grey levels vary by at least this much (standard deviation in SSIM's window, sigma 1.5): above
# the 1-2 levels JPEG leaves on flat areas at quality 40-95, below the faintest texture (paper,
# skin). A fit with fewer than CHANGE_MIN_SAMPLE such pixels in its hull is not kept.
TRACE_MIN_TEXTURE = 4.0
# Smallest area kept as a piece, as a share of the picture: 1 % (a 100 x 100 patch of a 1-MP
# picture), a third of the smallest piece the issue asks to find (3 %), far above the specks
# that flat patches of unrelated pictures leave.
TRACE_MIN_PIECE_AREA = 0.01
# A piece is the same as a larger piece of another portfolio picture (a version of one work) when
# this share of its explained pixels lies inside the larger one's: pieces of different works
# overlap only along a feathered seam (a few per cent of the smaller), and a version explains
# the same pixels but for its own crop, its watermark or a JPEG's worst blocks.
TRACE_SAME_PIECE = 0.5
# The attribution is smoothed by a majority vote in a Gaussian window of this sigma (working-frame
# pixels): twice the change detector's detection sigma, so a piece's outline is smooth while a
# piece of 3 % (about 110 px across at CHANGE_SIDE) keeps its shape.
TRACE_SMOOTH_SIGMA = 3.0
# Outlines are moved onto the picture's strongest edge within this distance (working-frame pixels):
# the change detector's CHANGE_OUTLINE_REACH, how far its detection-scale windows (CHANGE_DETECT_SIGMA
# 3, the structure window) spread a neighbour's difference into an area.
TRACE_OUTLINE_SNAP = CHANGE_OUTLINE_REACH
# The second retrieval pass runs when at least this share of the picture is still unexplained
# after the first (the smallest piece to find is 3 %).
TRACE_SECOND_PASS_UNEXPLAINED = 0.03

# ================================================================ derivation (derivation/)
# Which picture of a related pair is the likelier original. Each cue votes with a strength; the
# strengths are log likelihood ratios (natural logs): how much likelier the observation is if
# the named side is the original than if the other is. Weak 0.5 (odds 1.6 : 1, what a date or a
# camera record in easily edited metadata is worth), moderate 1.5 (4.5 : 1, a trace that a
# plausible processing step could also leave or erase), strong 3.0 (20 : 1, an observation that
# the reverse order could produce only by an unusual step: outpainting, a generative upscaler).
DERIVATION_WEIGHTS = {"none": 0.0, "weak": 0.5, "moderate": 1.5, "strong": 3.0}
# A side is named when the summed log likelihood ratio reaches ln 9 (odds 9 : 1, a probability of
# 0.9 from even odds): one strong cue, or two moderate ones that agree, never metadata alone;
# and only when no cue of moderate strength or more points the other way (disagreement is
# reported as undetermined, not outvoted).
DERIVATION_DECIDE = 2.1972
# The pixel cues read the central part of the overlap, at most this many pixels across on the
# finer picture's grid: enough for statistics of detail and noise (a quarter of a million
# pixels), and a bounded cost on a 12-MP pair.
DERIVATION_SIDE = 512
# Fewer overlapping pixels than a 64 x 64 square leave no statistics worth a vote.
DERIVATION_MIN_PIXELS = 4096
# The registration is refined on the pixels (ECC, affine) before detail is compared: a tenth of
# a pixel off at an edge reads as lost detail. 30 iterations converge from the alignment's
# sub-pixel start; a correction of more than 3 px is not a refinement and is not taken.
DERIVATION_REFINE_ITERATIONS = 30
DERIVATION_REFINE_MAX_PX = 3.0
# A reduction is also modelled by Pillow's filters (derivation/grid.py) when the refined mapping is
# a scale and a shift within a quarter pixel at the grid's corners (as the same-grid test allows):
# the refinement's affine fit adds a shear of a few ten-thousandths that no resize has.
DERIVATION_AXIS_ALIGNED_PX = 0.25

# Containment: a crop shows less than the whole. The alignment places corners within 0.6 px
# (95th percentile, compare benchmark), so 2 % of the area (5 px of a 500-px side) missing is
# beyond its error; 10 % missing is a crop no registration error explains (strong).
DERIVATION_CROP_MIN = 0.02
DERIVATION_CROP_STRONG = 0.10
# A uniform border of at least 2 % of a picture's area (2-3 px around a 500-px picture, beyond
# the 2 trimmed lines of a JPEG edge) counts as added padding.
DERIVATION_BORDER_MIN = 0.02
# ... and it must be a flat fill: 90 % of its pixels within 2 levels of its median colour (JPEG
# rings only along its inner edge), where a sky or a studio backdrop along an edge, which the
# alignment's looser padding test accepts (12 levels), carries noise and gradients.
DERIVATION_BORDER_LEVELS = 2
DERIVATION_BORDER_FLAT_SHARE = 0.9
# Containment counts only content outside the other picture: a pixel there is fill (a turned
# copy's canvas corners, a flat border) when its 5 x 5 neighbourhood spreads by at most 2 grey
# levels in every channel (a flat fill is one colour; JPEG and WebP leave it that flat away from
# its edge, as DERIVATION_BORDER_LEVELS; a photographed surface carries noise and texture above
# that). Read a margin of 1 % of the longer side (at least 2 px) away from the other picture's
# footprint, where interpolation and ringing mix fill and picture, on the picture at most
# 1024 px across (area averaging keeps a fill flat and the test's cost fixed). What lies outside
# is fill when 90 % of it is (DERIVATION_BORDER_FLAT_SHARE): a cut-away sky is flat in places.
DERIVATION_FILL_SPREAD = 2.0
DERIVATION_FILL_MARGIN = 0.01
DERIVATION_FILL_SIDE = 1024
# ... or it repeats the footprint's edge (an editor's replicate or reflect fill): its colour within
# the range of the 5 x 5 pixels around the nearest footprint pixel, or the one mirrored across it,
# widened by 4 levels (JPEG at quality 85 moves such fill by a few levels; the range covers the
# pixel or two along the edge by which a turn or perspective slants the streaks), judged only
# where the outside carries detail (5 x 5 spread above 10 levels, five times a flat fill's: a
# dark sky's noise stays below it, so a star field's black cut away is not taken for a repeated
# dark edge). Measured on a perspective and an 8-degree turn of coffee, replicate and reflect,
# JPEG 85: 92-96 % of such detail repeats the edge; on scene cut away by a crop (coffee's table,
# chelsea, rocket, the Hubble deep field's stars) 55-77 %. Fill when 90 % repeats it.
DERIVATION_EXTENDED_LEVELS = 4
DERIVATION_EXTENDED_DETAIL = 10.0
# A picture lies on a canvas in another when the flat fill just beyond its footprint is unlike
# its own edge just within along at least half of it (3 x DERIVATION_BORDER_LEVELS apart: JPEG
# and resampling move a flat colour by less). Half: a picture's edge can share the fill's colour
# in places (a dark corner on black), not all along, unless the fill is the scene's own.
DERIVATION_CANVAS_EDGE_SHARE = 0.5
# A picture set on an enlarged, blurred copy of itself (the fill a story, a reel or an
# image-to-video clip puts around a picture of another shape) was made from it. Read at
# DERIVATION_SELF_FILL_SIDE px (the fill is smooth), the surround's grey levels against the inner
# picture enlarged to cover the frame, centred, and blurred by each of DERIVATION_SELF_FILL_BLURS
# px: Pearson's r at least DERIVATION_SELF_FILL_R (r^2 0.64: most of its variation explained). On
# four shipped photographs made into 9:16 stories r was 0.96-0.99; the scene a crop cut away around
# its centre gave 0.07-0.35. A surround with under DERIVATION_SELF_FILL_SPREAD levels of spread is
# flat fill, which the canvas tests read. The fill is an enlargement, by DERIVATION_SELF_FILL_MIN_SCALE
# or more (a 4:5 portrait in a 9:16 story: 1.42; a 4:3 picture: 2.37): a corner filled by
# repeating the picture's edge (scale about 1) is read by the fill tests.
DERIVATION_SELF_FILL_MIN_SCALE = 1.25
# And the fill is blurred: its finest detail (grey levels less their 1-px blur, at
# DERIVATION_SELF_FILL_SIDE) at most DERIVATION_SELF_FILL_DETAIL of the picture's own. Stories of
# four shipped photographs: 0.06-0.08; the scene around crops of them, which an enlarged, blurred
# crop can correlate with where it is smooth (the cameraman's sky and grass cut to 78 %: r >= 0.8),
# 0.56-0.72.
DERIVATION_SELF_FILL_DETAIL = 0.25
DERIVATION_SELF_FILL_SIDE = 128
DERIVATION_SELF_FILL_BLURS = (0.0, 1.0, 2.0, 4.0, 8.0)
DERIVATION_SELF_FILL_R = 0.8
DERIVATION_SELF_FILL_SPREAD = 2.0
# A picture meets the rest of a bigger one at a seam (a collage's panel, a diptych's half) when the
# grey levels across its footprint's edge differ at least DERIVATION_SEAM_RATIO times as much as
# at the same separation just within it (medians along the edge). The crop test would call the
# bigger picture the original; the smaller may as well be a panel cut out of it. Crops' edges on
# shipped photographs: 0.6-1.1 (the scene goes on across them); panels of 2 x 2 grids and a
# diptych of shipped photographs: 3.1-17. Twice: well above the first, well below the second.
DERIVATION_SEAM_RATIO = 2.0
# Content laid over an area (an overlay, a caption, a logo) that the change map left in, found on
# the derivation's common grid (derivation/added.py): the luma of the residual of the global
# colour mapping (the change detector's lookup table), both ways, low-passed by a Gaussian of
# 3 px (a global loss of detail, or a misregistration of a tenth of a pixel, averages out within
# it; a caption's strokes, 2-3 px, do not). Luma only: JPEG's halved chroma leaves colour errors
# along saturated edges that survive the low-pass. A pixel is changed when it exceeds the pair's
# median by 5 robust sd (far in the tail of a smooth fit error) and a floor of 3 grey levels
# (measured: a JPEG at quality 50-90 of seven shipped pictures against the picture gets at most
# 4 % of the pixels found, most none). When more than 30 % of the compared pixels are found, the
# change is not local (a global mapping the table cannot follow), and nothing is left out. Not
# found where the source is clipped flat at 0 or 255 (DERIVATION_CLIP_FLAT) and the target is
# not flat: a tone curve merged a gradient there, a loss the cues must read.
DERIVATION_ADDED_SIGMA = 3.0
DERIVATION_ADDED_K = 5.0
DERIVATION_ADDED_FLOOR = 3.0
DERIVATION_ADDED_MAX_SHARE = 0.3
# The fit is made again without what the previous round found, at most 4 rounds in all (a fit
# bent by an overlay over a fifth of the picture settles within two).
DERIVATION_ADDED_ROUNDS = 4
# Each fit after the first leaves out the pixels whose residual lies beyond this many robust sd
# of the pair's own (trimmed least squares): 2 sd trims a few per cent of a global change's
# pixels, the fit on the rest barely moves, and an overlay over a fifth of the picture that bent
# the first fit toward itself is left out of the second.
DERIVATION_ADDED_TRIM_K = 2.0

# Information loss: each picture is fitted to the other through a family of operations (the
# other's resampling, a Gaussian blur of these sigmas, in octave steps up to 2.4 px, and a
# quadratic tone and colour mapping); what each fit leaves unexplained is compared. A floor of
# 0.5 grey level (RMS) is added to both: 8-bit rounding alone leaves 0.29 per picture, 0.41 for
# two, so residuals below it mean "explained" and their ratio means nothing.
DERIVATION_BLUR_SIGMAS = (0.0, 0.6, 1.2, 2.4)
# The fits are made and measured on every 3rd pixel of every 3rd row (29,000 of a 512 x 512
# crop): a mean over that many pixels is within a per cent of the full one.
DERIVATION_FIT_STEP = 3
DERIVATION_RESIDUAL_FLOOR = 0.5
# The floor alone still lets one residual of 0.3 against one of 0 read 1.6 x (weak): a colour
# picture fitted to its own grey conversion leaves the conversion's rounding (0.3 on two of nine
# photographs, scikit-image's motorcycle among them), the grey one fitted back leaves nothing, and
# the grey copy was named the parent. Both residuals within two pictures' 8-bit rounding mean
# both explained: no vote (no pair of the derivation benchmark voted with both under 0.5).
DERIVATION_ROUNDING_RESIDUAL = 0.41
# Two pictures decoded reduced (scan) are fitted to each other only when reduced alike: within
# 1 % (log ratio), the rounding of a reduced side to whole pixels.
DERIVATION_REDUCTION_TOLERANCE = 0.01
# The log of the ratio of the two residuals: one side leaving 1.5 x (weak), 2 x (moderate) or 4 x
# (strong) more unexplained than the other. A re-encode or added noise leaves the two within
# 1.5 x of each other (both see the same noise); a reduction or blur leaves the detail it
# removed, several times the noise.
DERIVATION_LOSS_WEAK = 0.4055
DERIVATION_LOSS_MODERATE = 0.6931
DERIVATION_LOSS_STRONG = 1.3863

# Resampling traces: tested when the resolutions differ by at least 1.25 x (below, the band
# between the two resolutions is a third of an octave, inside any interpolation kernel's
# transition). The band's detail is compared with what the picture's own spectral slope one and
# two octaves lower predicts: pictures at their native resolution continue their slope (ratio
# about 1; 0.4 the lowest among the shipped photographs at 2 x: a brick texture), an interpolated
# enlargement leaves a third of it or less (0.06-0.3 for bilinear, bicubic and Lanczos at 2-3 x).
DERIVATION_RESAMPLE_MIN_SCALE = 1.25
# The interpolation's period: the predictor error's spectral peak at the enlargement's frequency
# against the median of the spectrum within 0.05 cycles/px around it. For noise (Rayleigh
# magnitudes) a peak 5 x the median has a chance of 1e-7; natural content is not noise, and the
# shipped photographs at their native resolution reached 4.6, so 8 is required (moderate) and 20
# (strong); enlargements by 1.3-1.8 x measured 10-180 as PNG, 1.5-38 after JPEG 90. An
# enlargement by exactly 2 x interpolates every pixel alike and leaves no period: the band below
# catches it.
DERIVATION_PERIOD_BAND = 0.05
DERIVATION_PERIOD = 8.0
DERIVATION_PERIOD_STRONG = 20.0
DERIVATION_ENLARGED_DROP = 0.33
DERIVATION_ENLARGED_DROP_STRONG = 0.15

# Compression history. Formats that store pixels without loss.
DERIVATION_LOSSLESS_FORMATS = ("PNG", "BMP", "DIB", "TIFF", "PPM", "TGA")
# Re-encoding: one picture is brought onto the other's grid (area-averaged when shrunk, bicubic
# when enlarged, as the usual tools do) and encoded with the other's JPEG tables. JPEG rounds each
# coefficient of each block deterministically, so when the other file is such an encoding, its
# difference from the plain resampled picture is largely reproduced: the encoding must leave at
# most half of it (moderate: resampling by another tool blurs the match), or a tenth (strong: the
# same pixel grid, where the same encoder reproduces a JPEG exactly).
DERIVATION_REENCODE_EXPLAINS = 0.5
# A grid counts as the same (shifted by whole pixels: a crop) when the linear part is within
# 0.2 % of the identity (one pixel over 500) and the shift within a quarter pixel of whole pixels.
DERIVATION_SAME_GRID_SCALE = 0.002
DERIVATION_SAME_GRID_PX = 0.25
DERIVATION_REENCODE_EXACT = 0.1
# A fitted mapping is taken for a resize of a whole-pixel crop when the two place the corners of
# the resized picture within half a pixel of each other (the refined registration is good to a
# tenth of a pixel; half a pixel off, the crop would start at another pixel).
DERIVATION_RESIZE_SNAP_PX = 0.5
# The tool's resize is computed on the whole crop (a part of it would sample other positions);
# above 25 million pixels (a 24-MP camera's frame) on either side it is not tried: its copies
# would outgrow the memory a comparison of huge pictures is allowed (1.5 GB on a 108-MP JPEG).
DERIVATION_RESIZE_MAX_PIXELS = 25_000_000
# Pillow's Lanczos, bilinear and box resizes are tried only up to a 4-megapixel result: Pillow
# makes them at 0.17-0.27 s each for a 12-MP one on one core (the benchmark's 12-MP pair went from
# 3.0 to 3.5 s with them), and a large original's reduced copies are still read by information
# loss, which reduces its 512-px window by every filter.
DERIVATION_RESIZE_MORE_MAX_PIXELS = 4_000_000
# A picture brought onto the other's grid that still differs from it by more than 3 levels on
# average (JPEG 60 leaves 2-4), or whose encoding does not reproduce the other, may have had its
# colours changed too: the usual colour changes (a curve per channel, a colour matrix, the change
# detector's global colour mapping, changes.py) are fitted and applied before encoding.
DERIVATION_REENCODE_RECOLOUR = 3.0
# When both sides reproduce each other (a re-encode at finer tables snaps back to the
# coarser ones), the one that does it 3 x better is the parent; 0.01 level is added to both (one
# pixel value in a hundred off by one level: bit-exact reproduction is not required).
# A colour change fitted to a decoded JPEG is refined through the encoder this many times (each
# round one more encoding): the first removes most of JPEG's smoothing from the fit, the second
# most of what is left.
DERIVATION_REENCODE_ROUNDS = 2
DERIVATION_REENCODE_RATIO = 3.0
DERIVATION_REENCODE_FLOOR = 0.01
# Exact reproduction: a resize reproduces a lossless file when it differs from it by at most 0.05
# level on average (one value in twenty off by one level: the same tool, another build's
# rounding); the reverse is ruled out when it differs by five times that, a quarter level or more
# (a flat picture resizes exactly both ways and is not read). Of the usual resizes tried
# (resizes.py: six for a reduction), the best reduction of chelsea (320 px) enlarged 1.7 x by
# OpenCV's bicubic came within 0.47 level of it: an enlargement smooths, and a good reduction of
# it comes near its source, never exactly.
DERIVATION_REPRODUCED = 0.05
DERIVATION_NOT_REPRODUCED = 0.25
# A block grid: steps between neighbouring columns (and rows) at one phase of 8 at least this
# much larger than the median phase's, in both directions. SET FROM MEASUREMENT BELOW.
DERIVATION_BLOCKING = 0.15
# A lossless picture carries a JPEG's grid in place as its decoded pixels only when its grid is at
# least this share of the JPEG's own strength: decoded pixels are the JPEG's very pixels (a colour
# change scales steps and their median alike). A weaker grid there was left by another, gentler
# JPEG on the same grid (a common ancestor: a PNG made from a camera JPEG, then saved at quality
# 10, showed 0.16 against the copy's 0.97).
DERIVATION_GRID_KEPT = 0.5
# Histogram traces (tonal history) are compared only between pictures of one resolution, within
# 10 %: resampling by more smooths histograms.
DERIVATION_BLOCK_SCALE = 1.1

# Tonal history: histogram comb (derivation.tone._comb, beyond counting noise). Natural photographs
# stay under 0.1 but for pictures already processed; a gamma, contrast or saturation change of
# 8-bit values raises it to 0.2-0.7. A side is combed when its comb is at least 0.1 and twice the
# other side's.
DERIVATION_COMB_MIN = 0.1
DERIVATION_COMB_RATIO = 2.0
# Strong when the comb is at least 0.2 (above every unprocessed photograph measured) and four
# times the other side's.
DERIVATION_COMB_STRONG = 0.2
# Clipping: a channel at 0 or 255 and flat (local spread, 3 x 3, under half a level) where the
# other picture shows detail (a spread of at least 2 levels, beyond 8-bit rounding and JPEG
# noise on a flat area). Read when it covers at least 0.5 % of the compared overlap (a 36 x 36
# patch of a 512 x 512 crop) and 4 times the reverse. With a combed histogram on the same side
# (two traces of one tone curve), the cue is strong.
DERIVATION_CLIP_FLAT = 0.5
DERIVATION_CLIP_DETAIL = 2.0
DERIVATION_CLIP_MIN = 0.005
DERIVATION_CLIP_RATIO = 4.0
# Against a lossy picture, clipping is read only where the flat side is flat in every channel
# within 15 px (a JPEG's 16 x 16 macroblock, its chroma halved, reaches that far around a pixel).
DERIVATION_CLIP_LOSSY_REACH = 15

# Colour mapping: a pixel-by-pixel colour change makes one picture's colours a function of the
# other's. "Exactly" allows 0.1 % of the compared pixels to stray (a pixel at the rim of a changed
# area the change map missed); colours merged (not told apart by the later picture) on at least
# 1 % of the pixels, ten times that allowance, are a loss the reverse change cannot undo, and on
# at least 5 % (a lowered contrast or saturation, a clipped end of the scale) a strong one.
DERIVATION_MAP_STRAY = 0.001
DERIVATION_MAP_MERGED = 0.01
DERIVATION_MAP_MERGED_STRONG = 0.05

# Local edits: fine detail (Immerkaer's Laplacian noise operator, 8 x 8 blocks) inside the
# changed areas against a ring around them, on each side. Painted out when the area has at most
# two thirds of its surroundings' detail and at most half of what the other side's area has
# relative to its own surroundings, while the other side's area keeps at least two thirds of its
# surroundings' detail; areas of fewer than 6 blocks (a 20 x 20 px patch) are not read.
DERIVATION_EDIT_SMOOTH = 0.5
DERIVATION_EDIT_CONSISTENT = 0.67
DERIVATION_EDIT_MIN_BLOCKS = 6
# The noise level of an area: the detail of its flattest blocks, the lowest fifth (in a textured
# area a fifth of the blocks are still its smoothest parts, where the camera's grain shows). The
# same factors as for detail mark an area without its surroundings' noise. Only a quieter area
# counts: an area whose flattest blocks are rougher than its surroundings' may hold an object
# that the other side removed, which is the other side's edit. The same factor the other way
# (flattest blocks at least 1 / 0.67 = 1.5 x its surroundings') marks an area holding content of
# its own: a side smoother there in detail only is then not read as painted out (the rougher
# content may have been laid over a plain part of the scene, a logo or a caption).
DERIVATION_EDIT_NOISE_QUANTILE = 0.2

# An EXIF preview (``thumbnail.py``) that the picture fills less of than this shows what a crop
# cut away. Previews keep the picture's aspect ratio or pad it with a uniform band (left out as
# padding before this share is measured); one 160-px preview pixel is 0.6 % of its side, so
# rounding and the resize leave the share above 0.97 for a preview of the whole picture.
THUMBNAIL_CROPPED_FILL = 0.95
