'use client';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import styles from './devices.module.css';

/**
 * The pairing link as a QR code for the device's camera, drawn as SVG (crisp at any size, no canvas).
 * Dark modules on a white quiet zone in both themes: scanners need the contrast.
 */
export function PairingQr({ uri, label }: { uri: string; label: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } })
      .then((markup) => current && setSvg(markup))
      .catch(() => current && setSvg(null));
    return () => {
      current = false;
    };
  }, [uri]);
  if (!svg) return <div className={styles.qr} aria-hidden="true" />;
  // The markup comes from the qrcode library for our own URI: paths and rects only, no script.
  return <div className={styles.qr} role="img" aria-label={label} data-testid="pairing-qr" dangerouslySetInnerHTML={{ __html: svg }} />;
}
