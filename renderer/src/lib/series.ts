/** One line of a chart: (x, y) points, drawn dashed for validation values. */
export interface Series {
  label: string;
  color: string;
  points: { x: number; y: number }[];
  dashed?: boolean;
  /** Drawn as steps, each value held over the interval up to its point (a rate that changes between epochs). */
  stepped?: boolean;
}
