//! Demo product photos, painted offline: a still life per product (a cluster of longans, a jar
//! of honey, a Đông Tảo chicken with its thick legs…) in the product's colours. No downloads.

use image::{ImageEncoder, Rgb, RgbImage, codecs::jpeg::JpegEncoder, imageops::FilterType};

pub const WIDTH: u32 = 1280;
pub const HEIGHT: u32 = 960;
/// The widths stored for responsive images (srcset).
pub const WIDTHS: [u32; 3] = [320, 640, 1280];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Motif {
    FruitCluster,
    Jar,
    Bottle,
    Bird,
    Powder,
    Grain,
    Leaf,
    Weave,
    Cake,
}

impl Motif {
    pub fn parse(s: &str) -> Option<Motif> {
        Some(match s {
            "fruit_cluster" => Motif::FruitCluster,
            "jar" => Motif::Jar,
            "bottle" => Motif::Bottle,
            "bird" => Motif::Bird,
            "powder" => Motif::Powder,
            "grain" => Motif::Grain,
            "leaf" => Motif::Leaf,
            "weave" => Motif::Weave,
            "cake" => Motif::Cake,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Palette {
    pub background: Rgb<u8>,
    pub main: Rgb<u8>,
    pub accent: Rgb<u8>,
}

/// `#rrggbb` → colour.
pub fn parse_colour(hex: &str) -> Option<Rgb<u8>> {
    let hex = hex.strip_prefix('#')?;
    if hex.len() != 6 {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some(Rgb([byte(0)?, byte(2)?, byte(4)?]))
}

/// One encoded size of a photo.
pub struct Rendition {
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
    /// The same as lossy WebP, as uploads are stored (`photos::pipeline`).
    pub webp: Vec<u8>,
}

/// Paints the product and encodes it at every stored width.
pub fn render(
    motif: Motif,
    palette: Palette,
    seed: u64,
) -> Result<Vec<Rendition>, image::ImageError> {
    let full = paint(motif, palette, seed);
    WIDTHS
        .iter()
        .map(|&w| {
            let h = HEIGHT * w / WIDTH;
            let img = if w == WIDTH {
                full.clone()
            } else {
                image::imageops::resize(&full, w, h, FilterType::Triangle)
            };
            let mut jpeg = Vec::new();
            JpegEncoder::new_with_quality(&mut jpeg, 82).write_image(
                img.as_raw(),
                w,
                h,
                image::ExtendedColorType::Rgb8,
            )?;
            let webp = crate::photos::pipeline::encode_webp(&img).map_err(|e| {
                image::ImageError::Encoding(image::error::EncodingError::new(
                    image::ImageFormat::WebP.into(),
                    e,
                ))
            })?;
            Ok(Rendition {
                width: w,
                height: h,
                jpeg,
                webp,
            })
        })
        .collect()
}

fn paint(motif: Motif, p: Palette, seed: u64) -> RgbImage {
    let mut c = Canvas::new(p.background);
    let mut rng = Rng(seed | 1);
    // A soft shadow where the object rests.
    c.ellipse(
        640.0,
        820.0,
        430.0,
        70.0,
        0.0,
        Brush::new(shade(p.background, 0.82), 0.8),
    );
    match motif {
        Motif::FruitCluster => {
            for i in 0..3 {
                let a = -0.6 + 0.6 * i as f32;
                c.ellipse(640.0 + 150.0 * a, 230.0, 140.0, 42.0, a, p.accent);
            }
            c.rect(630.0, 160.0, 20.0, 160.0, 8.0, shade(p.accent, 0.7));
            for _ in 0..26 {
                let x = 640.0 + rng.range(-260.0, 260.0);
                let y = 470.0 + rng.range(-150.0, 260.0) * (1.0 - ((x - 640.0) / 600.0).abs());
                let r = rng.range(62.0, 80.0);
                c.ellipse(x, y, r, r, 0.0, shade(p.main, rng.range(0.85, 1.05)));
                c.ellipse(
                    x - r * 0.3,
                    y - r * 0.35,
                    r * 0.28,
                    r * 0.18,
                    -0.5,
                    Brush::new(lighten(p.main, 0.35), 0.7),
                );
            }
        }
        Motif::Jar => {
            c.rect(640.0, 500.0, 420.0, 520.0, 70.0, p.main);
            c.rect(640.0, 225.0, 330.0, 70.0, 18.0, p.accent);
            c.rect(640.0, 540.0, 420.0, 180.0, 6.0, lighten(p.background, 0.5));
            c.rect(640.0, 540.0, 300.0, 24.0, 10.0, p.accent);
            c.rect(520.0, 480.0, 40.0, 360.0, 20.0, lighten(p.main, 0.3));
        }
        Motif::Bottle => {
            for (i, x) in [470.0, 640.0, 810.0].into_iter().enumerate() {
                let top = 200.0 + 40.0 * (i % 2) as f32;
                c.rect(
                    x,
                    top + 330.0,
                    170.0,
                    480.0,
                    40.0,
                    shade(p.main, 0.9 + 0.1 * i as f32),
                );
                c.rect(x, top + 40.0, 70.0, 150.0, 14.0, shade(p.main, 0.8));
                c.rect(x, top - 30.0, 84.0, 50.0, 10.0, p.accent);
                c.rect(
                    x,
                    top + 380.0,
                    170.0,
                    130.0,
                    4.0,
                    lighten(p.background, 0.4),
                );
                c.rect(
                    x - 50.0,
                    top + 330.0,
                    22.0,
                    380.0,
                    11.0,
                    lighten(p.main, 0.25),
                );
            }
        }
        Motif::Bird => {
            // Đông Tảo chickens are known for their enormous scaly legs.
            for x in [560.0, 720.0] {
                c.rect(x, 690.0, 70.0, 200.0, 30.0, p.accent);
                c.rect(x + 10.0, 790.0, 130.0, 30.0, 14.0, shade(p.accent, 0.8));
            }
            c.ellipse(820.0, 390.0, 150.0, 210.0, 0.5, shade(p.main, 0.5));
            c.ellipse(620.0, 480.0, 290.0, 210.0, 0.0, p.main);
            c.ellipse(560.0, 470.0, 170.0, 110.0, 0.2, shade(p.main, 0.8));
            c.ellipse(420.0, 290.0, 95.0, 105.0, 0.0, p.main);
            c.ellipse(410.0, 190.0, 60.0, 40.0, 0.0, Rgb([196, 40, 40]));
            c.ellipse(330.0, 300.0, 40.0, 18.0, 0.2, Rgb([232, 180, 60]));
            c.ellipse(400.0, 275.0, 12.0, 12.0, 0.0, Rgb([30, 25, 20]));
        }
        Motif::Powder => {
            c.ellipse(640.0, 560.0, 360.0, 120.0, 0.0, shade(p.accent, 0.8));
            c.ellipse(640.0, 540.0, 300.0, 200.0, 0.0, p.main);
            c.rect(640.0, 680.0, 720.0, 200.0, 90.0, p.accent);
            c.ellipse(
                560.0,
                470.0,
                90.0,
                40.0,
                -0.3,
                Brush::new(lighten(p.main, 0.3), 0.8),
            );
        }
        Motif::Grain => {
            c.rect(640.0, 650.0, 800.0, 260.0, 60.0, p.accent);
            for _ in 0..420 {
                let x = 640.0 + rng.range(-330.0, 330.0);
                let y = 560.0 + rng.range(-170.0, 120.0) * (1.0 - ((x - 640.0) / 380.0).powi(2));
                c.ellipse(
                    x,
                    y,
                    16.0,
                    8.0,
                    rng.range(0.0, 3.1),
                    shade(p.main, rng.range(0.85, 1.1)),
                );
            }
        }
        Motif::Leaf => {
            c.rect(640.0, 600.0, 16.0, 420.0, 8.0, shade(p.accent, 0.7));
            for i in 0..9 {
                let a = -1.2 + 0.3 * i as f32;
                let (dx, dy) = (a.sin() * 200.0, -a.cos() * 200.0);
                let colour = if i % 2 == 0 { p.main } else { p.accent };
                c.ellipse(
                    640.0 + dx,
                    460.0 + dy,
                    170.0,
                    60.0,
                    a - std::f32::consts::FRAC_PI_2,
                    colour,
                );
            }
            c.ellipse(640.0, 420.0, 60.0, 60.0, 0.0, lighten(p.main, 0.4));
        }
        Motif::Weave => {
            c.rect(640.0, 500.0, 900.0, 600.0, 30.0, p.main);
            for i in 0..15 {
                let x = 220.0 + 60.0 * i as f32;
                c.rect(
                    x,
                    500.0,
                    26.0,
                    580.0,
                    6.0,
                    if i % 2 == 0 {
                        p.accent
                    } else {
                        shade(p.main, 0.85)
                    },
                );
            }
            for j in 0..10 {
                let y = 230.0 + 60.0 * j as f32;
                c.rect(640.0, y, 880.0, 14.0, 6.0, shade(p.main, 1.08));
            }
        }
        Motif::Cake => {
            for (i, (x, y)) in [(520.0, 620.0), (760.0, 620.0), (640.0, 420.0)]
                .into_iter()
                .enumerate()
            {
                c.rect(
                    x,
                    y,
                    230.0,
                    190.0,
                    26.0,
                    shade(p.main, 0.92 + 0.05 * i as f32),
                );
                c.rect(x, y, 230.0, 40.0, 10.0, p.accent);
                for _ in 0..12 {
                    let (sx, sy) = (x + rng.range(-90.0, 90.0), y + rng.range(-80.0, 80.0));
                    c.ellipse(sx, sy, 6.0, 4.0, 0.0, lighten(p.main, 0.5));
                }
            }
        }
    }
    c.img
}

fn shade(c: Rgb<u8>, k: f32) -> Rgb<u8> {
    Rgb(c.0.map(|v| (v as f32 * k).clamp(0.0, 255.0) as u8))
}

fn lighten(c: Rgb<u8>, k: f32) -> Rgb<u8> {
    Rgb(c.0.map(|v| (v as f32 + (255.0 - v as f32) * k) as u8))
}

/// A colour laid on with some opacity (1.0: opaque).
#[derive(Clone, Copy)]
struct Brush {
    colour: Rgb<u8>,
    opacity: f32,
}

impl Brush {
    fn new(colour: Rgb<u8>, opacity: f32) -> Self {
        Brush { colour, opacity }
    }
}

impl From<Rgb<u8>> for Brush {
    fn from(colour: Rgb<u8>) -> Self {
        Brush {
            colour,
            opacity: 1.0,
        }
    }
}

/// Shapes drawn as signed distance fields, so their edges are anti-aliased.
struct Canvas {
    img: RgbImage,
}

impl Canvas {
    fn new(background: Rgb<u8>) -> Self {
        let mut img = RgbImage::new(WIDTH, HEIGHT);
        for (_, y, px) in img.enumerate_pixels_mut() {
            *px = shade(background, 1.0 - 0.12 * y as f32 / HEIGHT as f32);
        }
        Canvas { img }
    }

    /// Blends `brush` into every pixel of `bounds` (x0, y0, x1, y1) by its coverage, where `dist`
    /// is the signed distance in pixels from the shape's edge (negative inside).
    fn cover(&mut self, bounds: [f32; 4], brush: Brush, dist: impl Fn(f32, f32) -> f32) {
        let [x0, y0, x1, y1] = bounds;
        let (xa, xb) = (
            x0.floor().max(0.0) as u32,
            x1.ceil().min(WIDTH as f32 - 1.0) as u32,
        );
        let (ya, yb) = (
            y0.floor().max(0.0) as u32,
            y1.ceil().min(HEIGHT as f32 - 1.0) as u32,
        );
        for y in ya..=yb {
            for x in xa..=xb {
                let alpha =
                    (0.5 - dist(x as f32 + 0.5, y as f32 + 0.5)).clamp(0.0, 1.0) * brush.opacity;
                if alpha > 0.0 {
                    let px = self.img.get_pixel_mut(x, y);
                    for i in 0..3 {
                        px.0[i] = (px.0[i] as f32 * (1.0 - alpha)
                            + brush.colour.0[i] as f32 * alpha)
                            as u8;
                    }
                }
            }
        }
    }

    /// An ellipse centred on (cx, cy), radii (rx, ry), turned by `angle` radians.
    fn ellipse(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, angle: f32, brush: impl Into<Brush>) {
        let (s, co) = angle.sin_cos();
        let r = rx.max(ry);
        self.cover([cx - r, cy - r, cx + r, cy + r], brush.into(), |x, y| {
            let (dx, dy) = (x - cx, y - cy);
            let (u, v) = (dx * co + dy * s, -dx * s + dy * co);
            let k = ((u / rx).powi(2) + (v / ry).powi(2)).sqrt();
            // Distance in pixels, approximately, near the edge.
            (k - 1.0) * rx.min(ry)
        });
    }

    /// A rounded rectangle centred on (cx, cy).
    fn rect(&mut self, cx: f32, cy: f32, w: f32, h: f32, radius: f32, colour: Rgb<u8>) {
        let (hw, hh) = (w / 2.0, h / 2.0);
        let r = radius.min(hw).min(hh);
        self.cover(
            [cx - hw, cy - hh, cx + hw, cy + hh],
            colour.into(),
            |x, y| {
                let qx = (x - cx).abs() - (hw - r);
                let qy = (y - cy).abs() - (hh - r);
                let outside = (qx.max(0.0).powi(2) + qy.max(0.0).powi(2)).sqrt();
                outside + qx.max(qy).min(0.0) - r
            },
        );
    }
}

/// xorshift64*: a tiny deterministic generator, so the same product always gets the same photo.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_motif_renders_every_width_as_jpeg() {
        let palette = Palette {
            background: Rgb([240, 235, 220]),
            main: Rgb([160, 110, 60]),
            accent: Rgb([60, 120, 60]),
        };
        for motif in [Motif::FruitCluster, Motif::Bird] {
            let out = render(motif, palette, 7).unwrap();
            assert_eq!(out.iter().map(|r| r.width).collect::<Vec<_>>(), WIDTHS);
            for r in &out {
                assert_eq!(&r.jpeg[..2], &[0xFF, 0xD8], "JPEG magic");
                assert_eq!(&r.webp[8..12], b"WEBP", "WebP beside it");
                assert_eq!(r.height * WIDTH, r.width * HEIGHT);
            }
        }
        assert_eq!(parse_colour("#a0713c"), Some(Rgb([0xa0, 0x71, 0x3c])));
        assert_eq!(parse_colour("a0713c"), None);
    }
}
