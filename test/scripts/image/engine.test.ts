import { describe, expect, test } from 'vitest';
import { ENGINES, K3S_CONTAINERD_SOCKET, buildCommand, checkBuildTag, detectEngine, importCommand, saveCommand } from '../../../scripts/image/engine.js';
import { onPath } from '../../../scripts/on-path.js';

const having = (...commands: string[]) => (command: string) => commands.includes(command);
/** A probe where only `engines` can build. */
const usable = (...engines: string[]) => (engine: string) => (engines.includes(engine) ? undefined : 'not on PATH');

describe('container engine detection', () => {
  test('takes the first engine that can build, in the order docker, podman, nerdctl, buildah', () => {
    expect(detectEngine(usable(...ENGINES))).toBe('docker');
    expect(detectEngine(usable('buildah', 'podman'))).toBe('podman');
    expect(detectEngine(usable('buildah', 'nerdctl'))).toBe('nerdctl');
    expect(detectEngine(usable('buildah'))).toBe('buildah');
  });

  test('passes over a docker whose daemon does not answer', () => {
    const probe = (engine: string) => (engine === 'docker' ? 'on PATH, but `docker info` failed' : usable('podman')(engine));
    expect(detectEngine(probe)).toBe('podman');
  });

  test('honours --engine, and says what is wrong with it', () => {
    expect(detectEngine(usable('docker', 'podman'), 'podman')).toBe('podman');
    expect(() => detectEngine(usable('docker'), 'podman')).toThrow('--engine podman: not on PATH');
    expect(() => detectEngine(usable('docker'), 'kaniko')).toThrow("--engine must be one of docker, podman, nerdctl, buildah, got 'kaniko'");
  });

  test('without an engine that can build, says why for each and how to get one', () => {
    const probe = (engine: string) => (engine === 'docker' ? 'on PATH, but `docker info` failed' : 'not on PATH');
    expect(() => detectEngine(probe)).toThrow(/no container engine can build here \(docker: on PATH, but `docker info` failed; podman: not on PATH; nerdctl: not on PATH; buildah: not on PATH\).*apt-get install podman.*push to a registry/);
  });

  test('finds commands on a PATH by their executable bit', () => {
    expect(onPath('sh', '/nonexistent:/bin:/usr/bin')).toBe(true);
    expect(onPath('passwd', '/etc')).toBe(false);
    expect(onPath('sh', '')).toBe(false);
  });
});

describe('engine commands', () => {
  test('build the Dockerfile with the tag and build arguments, engine flags first', () => {
    const spec = { tag: 'registry.local/odin-detector:1.2.3', dockerfile: 'detectors/Dockerfile', context: '.', buildArgs: { NODE_IMAGE: 'n:1' }, engineFlags: ['--pull=never'] };
    expect(buildCommand('podman', spec)).toEqual(['podman', 'build', '--pull=never', '-f', 'detectors/Dockerfile', '-t', 'registry.local/odin-detector:1.2.3', '--build-arg', 'NODE_IMAGE=n:1', '.']);
    expect(buildCommand('buildah', { ...spec, buildArgs: {}, engineFlags: [] })).toEqual(['buildah', 'build', '-f', 'detectors/Dockerfile', '-t', 'registry.local/odin-detector:1.2.3', '.']);
  });

  test('save a docker archive (buildah through push)', () => {
    expect(saveCommand('docker', 'o:1', '/t/a.tar')).toEqual(['docker', 'save', '-o', '/t/a.tar', 'o:1']);
    expect(saveCommand('buildah', 'o:1', '/t/a.tar')).toEqual(['buildah', 'push', 'o:1', 'docker-archive:/t/a.tar:o:1']);
  });

  test('import into K3s with k3s ctr, else ctr on the K3s socket, else plain containerd', () => {
    const noSocket = () => false;
    const k3sSocket = (path: string) => path === K3S_CONTAINERD_SOCKET;
    expect(importCommand(having('k3s', 'ctr'), k3sSocket, 'a.tar')).toEqual(['k3s', 'ctr', 'images', 'import', 'a.tar']);
    expect(importCommand(having('ctr'), k3sSocket, 'a.tar')).toEqual(['ctr', '--address', K3S_CONTAINERD_SOCKET, '-n', 'k8s.io', 'images', 'import', 'a.tar']);
    expect(importCommand(having('ctr'), noSocket, 'a.tar')).toEqual(['ctr', '-n', 'k8s.io', 'images', 'import', 'a.tar']);
    expect(() => importCommand(having('docker'), noSocket, 'a.tar')).toThrow(/neither k3s nor ctr is on PATH.*push the image to a registry/);
  });

  test('tag only with name:tag', () => {
    expect(checkBuildTag('localhost:5000/odin/odin-detector:0.2.0')).toBe('localhost:5000/odin/odin-detector:0.2.0');
    expect(() => checkBuildTag('localhost:5000/odin/odin-detector')).toThrow(/without a tag/);
    expect(() => checkBuildTag(`ghcr.io/o/d@sha256:${'a'.repeat(64)}`)).toThrow(/a digest reference/);
  });
});
