//! Uploaded photos become the responsive copies we publish, each width as JPEG (every browser)
//! and as lossy WebP (about a third of the JPEG's size; `media::serve` sends it to browsers that
//! accept it).
//! Nothing of the upload itself is kept: re-encoding drops every metadata block (EXIF, XMP, the
//! farm's GPS position), after the EXIF orientation has been applied to the pixels.

use std::io::Cursor;

use image::{
    DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, codecs::jpeg::JpegEncoder,
    imageops::FilterType, metadata::Orientation,
};

/// Published widths for `srcset`; narrower uploads get one copy at their own width.
pub const WIDTHS: [u32; 3] = [320, 640, 1280];
/// The largest file accepted (the upload island checks it too).
pub const MAX_BYTES: usize = app::photos::MAX_PHOTO_BYTES;
/// The most pixels decoded: a 24 MP camera fits, a phone's 12 MP with room to spare. A 50 MP
/// file (a few hundred KB of PNG can declare it) is refused before decoding: it alone took
/// ~430 MB to process. Shown to users in `photo_pixels` messages.
pub const MAX_PIXELS: u64 = 25_000_000;
const MAX_SIDE: u32 = 12_000;
/// What the decoded pixels, or the decoder's own buffers, may take whatever the file declares:
/// 25 MP in RGBA is 100 MB; 16 bits per channel count double.
const MAX_ALLOC: u64 = 128 * 1024 * 1024;
const QUALITY: u8 = 82;
/// Looks as good as the JPEG at [`QUALITY`] in libwebp's scale, and is smaller.
const WEBP_QUALITY: f32 = 80.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("the file is larger than {} MB", MAX_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("only JPEG, PNG and WebP photos are accepted")]
    UnsupportedFormat,
    #[error("the image has too many pixels")]
    TooManyPixels,
    #[error("the file is damaged or incomplete")]
    Corrupt,
}

impl PhotoError {
    /// The code the forms send back (`?loi=`).
    pub fn code(self) -> &'static str {
        match self {
            PhotoError::TooLarge => "photo_size",
            PhotoError::UnsupportedFormat => "photo_format",
            PhotoError::TooManyPixels => "photo_pixels",
            PhotoError::Corrupt => "photo_corrupt",
        }
    }
}

/// One published copy.
pub struct Derivative {
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
    /// The same pixels as lossy WebP.
    pub webp: Vec<u8>,
}

/// Sniffs the real format from the bytes (never the file name), decodes within limits, turns
/// the pixels upright and encodes every published width, largest first.
pub fn process(bytes: &[u8]) -> Result<Vec<Derivative>, PhotoError> {
    if bytes.len() > MAX_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let format = image::guess_format(bytes).map_err(|_| PhotoError::UnsupportedFormat)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(PhotoError::UnsupportedFormat);
    }
    // The JPEG decoder fills a cut-off upload with grey instead of failing: check the end.
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(PhotoError::Corrupt);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (w, h) = decoder.dimensions();
    // The decoders allocate the whole image without consulting `max_alloc`: check it here.
    if u64::from(w) * u64::from(h) > MAX_PIXELS || decoder.total_bytes() > MAX_ALLOC {
        return Err(PhotoError::TooManyPixels);
    }
    let orientation = decoder.orientation().map_err(decode_error)?;
    let image = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    derivatives(image, orientation)
}

/// Walks a JPEG's segments and entropy-coded scans up to its end-of-image marker. A file cut
/// short (a dropped upload) never reaches it; data appended after it (motion photos) is fine.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut i = 2; // after SOI
    while i + 1 < bytes.len() {
        if bytes[i] != 0xFF {
            return false;
        }
        let marker = bytes[i + 1];
        match marker {
            0xD9 => return true,
            0xFF => i += 1, // fill byte
            0x01 | 0xD0..=0xD7 => i += 2,
            _ => {
                let Some(len) = bytes
                    .get(i + 2..i + 4)
                    .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
                else {
                    return false;
                };
                i += 2 + len;
                if marker == 0xDA {
                    // Entropy-coded data runs to the next marker that is not a stuffed 0xFF00
                    // or a restart marker.
                    while i + 1 < bytes.len()
                        && (bytes[i] != 0xFF || matches!(bytes[i + 1], 0x00 | 0xD0..=0xD7))
                    {
                        i += 1;
                    }
                }
            }
        }
    }
    false
}

fn decode_error(e: image::ImageError) -> PhotoError {
    match e {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels,
        image::ImageError::Unsupported(_) => PhotoError::UnsupportedFormat,
        _ => PhotoError::Corrupt,
    }
}

/// The decoded image is the only full-size buffer: the largest copy is made from it directly,
/// turned upright and converted to RGB only once small, and each smaller width is resized from
/// the next larger copy. (Turning, converting or filtering the full image first cost one or two
/// more full-size buffers.)
fn derivatives(
    image: DynamicImage,
    orientation: Orientation,
) -> Result<Vec<Derivative>, PhotoError> {
    // A quarter turn swaps the sides: the published widths are of the upright photo.
    let turned = matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    let (upright_w, upright_h) = if turned {
        (image.height(), image.width())
    } else {
        (image.width(), image.height())
    };
    let widths: Vec<u32> = match WIDTHS
        .iter()
        .copied()
        .filter(|w| *w < upright_w)
        .collect::<Vec<_>>()
    {
        smaller if smaller.len() == WIDTHS.len() => smaller,
        // Narrower than the largest width: the original width is the largest copy.
        mut smaller => {
            smaller.push(upright_w);
            smaller
        }
    };
    let scaled = |w: u32, (from_w, from_h): (u32, u32)| {
        ((u64::from(from_h) * u64::from(w)) / u64::from(from_w)).max(1) as u32
    };
    let largest_w = *widths.last().ok_or(PhotoError::Corrupt)?;
    let largest_h = scaled(largest_w, (upright_w, upright_h));
    // In the stored orientation, before turning.
    let (stored_w, stored_h) = if turned {
        (largest_h, largest_w)
    } else {
        (largest_w, largest_h)
    };
    let mut largest = if (stored_w, stored_h) == (image.width(), image.height()) {
        image
    } else if image.width() >= 2 * stored_w {
        // Averaging each block of pixels: no intermediate buffer (the filters make one of the
        // source's width × the new height at 16 bytes a pixel), and as good for such a
        // reduction.
        image.thumbnail_exact(stored_w, stored_h)
    } else {
        image.resize_exact(stored_w, stored_h, FilterType::Triangle)
    };
    largest.apply_orientation(orientation);
    let mut source = DynamicImage::ImageRgb8(largest.into_rgb8());
    let mut out = Vec::with_capacity(widths.len());
    for &w in widths.iter().rev() {
        let copy = if w == source.width() {
            source
        } else {
            let h = scaled(w, (source.width(), source.height()));
            source.resize_exact(w, h, FilterType::Triangle)
        };
        let mut jpeg = Vec::new();
        JpegEncoder::new_with_quality(&mut jpeg, QUALITY)
            .encode_image(&copy)
            .map_err(|_| PhotoError::Corrupt)?;
        let webp = encode_webp(copy.as_rgb8().ok_or(PhotoError::Corrupt)?)?;
        out.push(Derivative {
            width: copy.width(),
            height: copy.height(),
            jpeg,
            webp,
        });
        source = copy;
    }
    out.reverse();
    Ok(out)
}

/// The lossy WebP copy of `rgb`, as every published copy has (the demo seed's too).
pub fn encode_webp(rgb: &image::RgbImage) -> Result<Vec<u8>, PhotoError> {
    Ok(
        webp::Encoder::from_rgb(rgb.as_raw(), rgb.width(), rgb.height())
            .encode_simple(false, WEBP_QUALITY)
            .map_err(|_| PhotoError::Corrupt)?
            .to_vec(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photos::samples::{black_png, bomb_png, jpeg, with_exif_orientation};

    #[test]
    fn every_width_is_published_upright_and_without_metadata() {
        let out = process(&jpeg(2000, 1500)).unwrap();
        let widths: Vec<u32> = out.iter().map(|d| d.width).collect();
        assert_eq!(widths, vec![320, 640, 1280]);
        assert_eq!(out[2].height, 960);
        for d in &out {
            assert!(!d.jpeg.windows(4).any(|w| w == b"Exif"), "no EXIF block");
            assert!(!d.webp.windows(4).any(|w| w == b"Exif"), "no EXIF block");
        }
    }

    #[test]
    fn every_copy_is_also_a_smaller_lossy_webp_of_the_same_size() {
        for d in process(&jpeg(2000, 1500)).unwrap() {
            assert_eq!(&d.webp[..4], b"RIFF");
            assert_eq!(
                &d.webp[8..16],
                b"WEBPVP8 ",
                "lossy (VP8), not lossless (VP8L)"
            );
            let decoded = image::load_from_memory_with_format(&d.webp, ImageFormat::WebP).unwrap();
            assert_eq!((decoded.width(), decoded.height()), (d.width, d.height));
            assert!(
                d.webp.len() < d.jpeg.len(),
                "{} vs {}",
                d.webp.len(),
                d.jpeg.len()
            );
        }
    }

    #[test]
    fn a_small_photo_keeps_its_width() {
        let out = process(&jpeg(500, 400)).unwrap();
        assert_eq!(
            out.iter().map(|d| d.width).collect::<Vec<_>>(),
            vec![320, 500]
        );
    }

    #[test]
    fn bad_files_say_why() {
        let full = jpeg(800, 600);
        assert_eq!(
            process(&full[..full.len() / 2]).err(),
            Some(PhotoError::Corrupt)
        );
        assert_eq!(
            process(b"<svg xmlns='http://www.w3.org/2000/svg'/>").err(),
            Some(PhotoError::UnsupportedFormat)
        );
        assert_eq!(
            process(b"GIF89a........").err(),
            Some(PhotoError::UnsupportedFormat)
        );
        assert_eq!(
            process(&vec![0xFF; MAX_BYTES + 1]).err(),
            Some(PhotoError::TooLarge)
        );
        assert_eq!(process(&bomb_png()).err(), Some(PhotoError::TooManyPixels));
    }

    #[test]
    fn the_camera_orientation_is_applied_then_dropped() {
        let upload = with_exif_orientation(&jpeg(2000, 1500));
        assert!(upload.windows(4).any(|w| w == b"Exif"));
        let out = process(&upload).unwrap();
        let largest = out.last().unwrap();
        assert_eq!(
            (largest.width, largest.height),
            (1280, 1706),
            "turned upright"
        );
        assert!(out.iter().all(|d| !d.jpeg.windows(4).any(|w| w == b"Exif")));
    }

    #[test]
    fn a_crafted_png_decodes_to_its_pixels() {
        let out = process(&black_png(300, 200)).unwrap();
        assert_eq!((out[0].width, out[0].height), (300, 200));
    }

    #[test]
    fn fifty_megapixels_are_refused_before_decoding() {
        // The security review's file: under 1 MB, 50 MP, ~430 MB to process.
        assert_eq!(
            process(&black_png(8000, 6250)).err(),
            Some(PhotoError::TooManyPixels)
        );
    }

    #[test]
    fn a_twelve_megapixel_phone_photo_is_accepted() {
        let out = process(&jpeg(4032, 3024)).unwrap();
        assert_eq!(out.last().map(|d| (d.width, d.height)), Some((1280, 960)));
    }
}
