export async function runCard(argv: string[]): Promise<number> {
  void argv;
  return 0;
}
