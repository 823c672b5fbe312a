/** Images kept as bytes, the way an image data set is loaded before it is prepared. */

/** An image's height, width and channels (1 grey, 3 red-green-blue). */
export type ImageShape = [h: number, w: number, c: number];

/**
 * Images with a class each, kept as bytes: `pixels` holds n·h·w·c values in 0..255, image after image,
 * each row-major with its channels last (Keras's `channels_last`), and `labels[i]` indexes `classes`.
 */
export interface ImageTable {
  kind: 'images';
  shape: ImageShape;
  pixels: Uint8Array;
  labels: Uint8Array | Uint16Array;
  classes: string[];
  /** Rows from here on are the data set's official test split, which validation then uses as it is. */
  testFrom?: number;
  /** The target's name in the preprocessing record (default `label`). */
  target?: string;
  /** One name per input (h·w·c; default `pixel0`, `pixel1`, … in pixel order, as Kaggle's MNIST CSV). */
  featureNames?: string[];
}
