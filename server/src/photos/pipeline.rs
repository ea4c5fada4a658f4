//! Uploaded photos become the responsive JPEG copies we publish. Nothing of the upload itself is
//! kept: re-encoding drops every metadata block (EXIF, XMP, the farm's GPS position), after the
//! EXIF orientation has been applied to the pixels.

use std::io::Cursor;

use image::{
    DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, codecs::jpeg::JpegEncoder,
    imageops::FilterType,
};

/// Published widths for `srcset`; narrower uploads get one copy at their own width.
pub const WIDTHS: [u32; 3] = [320, 640, 1280];
/// The largest file accepted: a phone camera's JPEG is 3–8 MB.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// The most pixels decoded (a 48 MP phone sensor); a "decompression bomb" declares far more.
pub const MAX_PIXELS: u64 = 50_000_000;
const MAX_SIDE: u32 = 12_000;
/// What the decoder may allocate, whatever the file declares.
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
const QUALITY: u8 = 82;

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
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels);
    }
    let orientation = decoder.orientation().map_err(decode_error)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    image.apply_orientation(orientation);
    let image = DynamicImage::ImageRgb8(image.into_rgb8());
    derivatives(&image)
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

/// Each width is resized from the next larger copy, not from the full image: a 12 MP photo is
/// read once.
fn derivatives(image: &DynamicImage) -> Result<Vec<Derivative>, PhotoError> {
    let widths: Vec<u32> = match WIDTHS
        .iter()
        .copied()
        .filter(|w| *w < image.width())
        .collect::<Vec<_>>()
    {
        smaller if smaller.len() == WIDTHS.len() => smaller,
        // Narrower than the largest width: the original width is the largest copy.
        mut smaller => {
            smaller.push(image.width());
            smaller
        }
    };
    let mut out = Vec::with_capacity(widths.len());
    let mut source = image.clone();
    for &w in widths.iter().rev() {
        let h =
            ((u64::from(source.height()) * u64::from(w)) / u64::from(source.width())).max(1) as u32;
        let copy = if w == source.width() {
            source
        } else {
            source.resize_exact(w, h, FilterType::Triangle)
        };
        let mut jpeg = Vec::new();
        JpegEncoder::new_with_quality(&mut jpeg, QUALITY)
            .encode_image(&copy)
            .map_err(|_| PhotoError::Corrupt)?;
        out.push(Derivative {
            width: copy.width(),
            height: copy.height(),
            jpeg,
        });
        source = copy;
    }
    out.reverse();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photos::samples::{bomb_png, jpeg, with_exif_orientation};

    #[test]
    fn every_width_is_published_upright_and_without_metadata() {
        let out = process(&jpeg(2000, 1500)).unwrap();
        let widths: Vec<u32> = out.iter().map(|d| d.width).collect();
        assert_eq!(widths, vec![320, 640, 1280]);
        assert_eq!(out[2].height, 960);
        for d in &out {
            assert!(!d.jpeg.windows(4).any(|w| w == b"Exif"), "no EXIF block");
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
}
