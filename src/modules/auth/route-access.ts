import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators.js';
import { OWNER_KEY, type OwnerRule } from './ownership.js';

export interface RouteAccess {
  method: string;
  path: string;
  handler: string;
  access: 'public' | string[] | null;
  /** The path param's record: owner-bound (@OwnedRecord), the shared catalogue (@SharedRecords), or undeclared (null). */
  owner: OwnerRule | null;
  /** The path's params, in order (`:id` -> 'id'). */
  params: string[];
}

/** Every HTTP route with who may call it; `access: null` means undeclared. */
@Injectable()
export class RouteAccessCatalog implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  routes(): RouteAccess[] {
    const out: RouteAccess[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
      if (!type || !wrapper.instance) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
      const proto = Object.getPrototypeOf(wrapper.instance) as object;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const fn = (proto as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
        const path = Reflect.getMetadata(PATH_METADATA, fn) as string | undefined;
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as number];
        const targets = [fn, type];
        const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets);
        const roles = this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, targets);
        const fullPath = `/${[base, path].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/');
        out.push({
          method,
          path: fullPath,
          handler: `${type.name}.${name}`,
          access: isPublic ? 'public' : (roles ?? null),
          owner: this.reflector.getAllAndOverride<OwnerRule | undefined>(OWNER_KEY, targets) ?? null,
          params: [...fullPath.matchAll(/:(\w+)/g)].map((m) => m[1]),
        });
      }
    }
    return out;
  }

  /** Refuse to start when a route forgot to say who may call it. */
  onApplicationBootstrap(): void {
    const undeclared = this.routes().filter((r) => r.access === null);
    if (undeclared.length) {
      throw new Error(
        'Routes without @Roles(...) or @Public(): ' +
          undeclared.map((r) => `${r.method} ${r.path} (${r.handler})`).join(', '),
      );
    }
  }
}
