import qrcode from 'qrcode-generator';
import { useMemo } from 'preact/hooks';

/**
 * A QR code as one SVG path (no canvas, no data: URL, no style attribute: the page's
 * Content-Security-Policy allows none of them), black modules on white with the standard
 * four-module quiet zone. Error correction M: still readable from a projector's blur.
 */
export function QrCode({ text, label, size = 320, testId }: { text: string; label: string; size?: number; testId?: string }) {
  const { path, count } = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(text, 'Byte');
    qr.make();
    const n = qr.getModuleCount();
    let d = '';
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) if (qr.isDark(row, col)) d += `M${col + 4} ${row + 4}h1v1h-1z`;
    }
    return { path: d, count: n + 8 };
  }, [text]);
  return (
    <svg class="qr" role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${count} ${count}`} shape-rendering="crispEdges" data-testid={testId} data-text={text}>
      <rect width={count} height={count} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
