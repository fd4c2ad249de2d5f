//! zhibu web
