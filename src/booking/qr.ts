import qrcode from 'qrcode-generator';

/** A QR code as SVG; error correction M survives a creased printout or a cracked phone screen. */
export function qrSvg(text: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
}
