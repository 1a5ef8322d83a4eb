import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Whether `command` is an executable file in one of `path`'s directories. */
export function onPath(command: string, path = process.env.PATH ?? ''): boolean {
  return path.split(delimiter).filter(Boolean).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
