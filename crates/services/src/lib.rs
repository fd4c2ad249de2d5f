//! zhibu services
