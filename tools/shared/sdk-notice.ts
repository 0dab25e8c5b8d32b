/**
 * For runs whose AWS clients only reach local stand-ins (kinesalite, s3rver) or mocks:
 * the SDK's notice, on every run, that its versions published after January 2027 need
 * Node 22 (CONTRIBUTING.md) is not their news. A value already set is kept, and child
 * processes inherit the setting.
 */
export function quietSdkNodeNotice(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
