//! QR codes on printed documents (the 外出证明's, which the app checks offline against its own
//! record).

/// An SVG of `text` as a QR code, medium error correction (a crumpled slip still scans).
pub fn svg(text: &str) -> Result<Vec<u8>, crate::DocError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| crate::DocError::Typeset(format!("QR: {e}")))?;
    let svg = code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build();
    Ok(svg.into_bytes())
}
