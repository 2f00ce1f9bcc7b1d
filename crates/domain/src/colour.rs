use crate::error::{Invalid, Result};
use std::fmt;

/// An sRGB colour written `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

pub const WHITE: Colour = Colour {
    r: 255,
    g: 255,
    b: 255,
};

/// WCAG 2.1 AA asks 4.5:1 for normal text.
pub const MIN_TEXT_CONTRAST: f64 = 4.5;

impl Colour {
    pub fn parse(s: &str) -> Result<Self> {
        let hex = s.trim().strip_prefix('#').unwrap_or(s.trim());
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Invalid::new("colour", "invalid-colour"));
        }
        let byte = |i: usize| {
            u8::from_str_radix(&hex[i..i + 2], 16)
                .map_err(|_| Invalid::new("colour", "invalid-colour"))
        };
        Ok(Self {
            r: byte(0)?,
            g: byte(2)?,
            b: byte(4)?,
        })
    }

    /// Relative luminance as WCAG 2.1 defines it.
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.r) + 0.7152 * channel(self.g) + 0.0722 * channel(self.b)
    }

    pub fn contrast_with(self, other: Colour) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (hi, lo) = if a > b { (a, b) } else { (b, a) };
        (hi + 0.05) / (lo + 0.05)
    }

    /// A brand colour is used for white text on it (buttons, header) and as text on white
    /// (links), so it must read both ways.
    pub fn check_brand(self, field: &'static str) -> Result<Self> {
        if self.contrast_with(WHITE) >= MIN_TEXT_CONTRAST {
            Ok(self)
        } else {
            Err(Invalid::new(field, "colour-contrast-too-low"))
        }
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        assert_eq!(Colour::parse("#1A4D8f").unwrap().to_string(), "#1a4d8f");
        assert_eq!(
            Colour::parse("000000").unwrap(),
            Colour { r: 0, g: 0, b: 0 }
        );
        for bad in ["", "#fff", "#12345g", "red", "#1234567"] {
            assert!(Colour::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn contrast_matches_wcag_examples() {
        let black = Colour::parse("#000000").unwrap();
        assert!((black.contrast_with(WHITE) - 21.0).abs() < 1e-9);
        assert!((WHITE.contrast_with(WHITE) - 1.0).abs() < 1e-9);
        // #767676 is the lightest grey that passes 4.5:1 on white.
        assert!(Colour::parse("#767676").unwrap().check_brand("c").is_ok());
        assert!(Colour::parse("#777777").unwrap().check_brand("c").is_err());
        assert!(Colour::parse("#ffcc00").unwrap().check_brand("c").is_err());
    }
}
