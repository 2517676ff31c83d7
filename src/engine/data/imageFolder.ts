// An image folder: one sub-folder per class, PNG or JPEG files, all of one size.
import fs from 'node:fs';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { BadInputError } from '../errors';

type NodeTf = Tf & { node?: { decodeImage(contents: Uint8Array, channels?: number): TF.Tensor3D | TF.Tensor4D } };

const IMAGE = /\.(png|jpe?g)$/i;

export function loadImageFolder(tf: Tf, dir: string): { x: Float32Array; y: Int32Array; n: number; shape: [number, number, number]; classNames: string[] } {
  const decoder = (tf as NodeTf).node?.decodeImage;
  if (!decoder) throw new BadInputError('image folders need the native tfjs-node backend to decode PNG/JPEG', dir);
  const classNames = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  if (classNames.length < 2) throw new BadInputError('an image folder needs at least two class sub-folders', dir);
  const images: Float32Array[] = [];
  const labels: number[] = [];
  let shape: [number, number, number] | undefined;
  classNames.forEach((cls, label) => {
    for (const f of fs
      .readdirSync(path.join(dir, cls))
      .filter((n) => IMAGE.test(n))
      .sort()) {
      const file = path.join(dir, cls, f);
      let img: TF.Tensor3D;
      try {
        img = decoder(fs.readFileSync(file), 0) as TF.Tensor3D;
      } catch (err) {
        throw new BadInputError(`cannot decode image (${(err as Error).message.split('\n')[0]})`, file);
      }
      const s = img.shape;
      if (!shape) shape = s;
      if (s.join() !== shape.join()) {
        img.dispose();
        throw new BadInputError(`image is ${s.join('x')} but the folder's first image is ${shape.join('x')}; resize all images to one size`, file);
      }
      images.push(Float32Array.from(img.dataSync(), (v) => v / 255));
      img.dispose();
      labels.push(label);
    }
  });
  if (!shape || images.length === 0) throw new BadInputError('no PNG or JPEG images found in the class sub-folders', dir);
  const px = images[0].length;
  const x = new Float32Array(images.length * px);
  images.forEach((im, i) => x.set(im, i * px));
  return { x, y: Int32Array.from(labels), n: images.length, shape, classNames };
}
