//! Serde support for types that are strings on the wire: they serialize
//! through `Display` and deserialize through `FromStr`, so that every value
//! read is validated exactly as a parsed one.

/// Implement `Serialize`/`Deserialize` for `$ty` via `Display`/`FromStr`
/// when the `serde` feature is on; nothing otherwise.
macro_rules! serde_via_str {
    ($ty:ty) => {
        #[cfg(feature = "serde")]
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use serde_via_str;
